import { ARCHITECTURES, Architecture, dockerPlatform, parseArchitecture } from "@polyarch/platform";
import { CONSUMERS, ComputeArchitectures, Consumer, LAMBDA_FUNCTION, componentApplies } from "./consumers";
import { judgedByAncestor } from "./component-inputs";
import { imageReferences } from "./image-references";
import { ImageReference, parseImageReference } from "./oci-reference";
import { rawProps } from "./props";
import { OciPlatform, RegistryImage, platformString } from "./registry-client";
import { LookupResult, RegistryConfig, isChecked, lookupImage } from "./registry-lookup";

export interface RegistryCheck {
    consumer: Consumer;
    architectures: ComputeArchitectures;
    /** Every known reference the registry rules look at, with what the registry said. */
    images: { reference: ImageReference; result: LookupResult }[];
    /** References the rules cannot even parse. */
    unparsable: string[];
}

/**
 * Looks up every image a consumer will run (known references on checked registries only); not
 * for a resource whose component was judged (the component's own references were).
 */
export async function checkConsumerImages(type: string, props: unknown, config: RegistryConfig, parent?: string): Promise<RegistryCheck | undefined> {
    const consumer = CONSUMERS.get(type);
    if (consumer === undefined || judgedByAncestor(type, parent, componentApplies)) {
        return undefined;
    }
    const raw = rawProps(props);
    const architectures = consumer.architectures(raw);
    if (architectures.kind === "not-applicable") {
        return undefined;
    }
    const unparsable: string[] = [];
    const references: ImageReference[] = [];
    for (const text of imageReferences(type, raw)) {
        const reference = parseImageReference(text);
        if (reference === undefined) {
            unparsable.push(text);
        } else if (isChecked(reference, config)) {
            references.push(reference);
        }
    }
    const images = await Promise.all(references.map(async (reference) => ({ reference, result: await lookupImage(reference, config) })));
    return { consumer, architectures, images, unparsable };
}

/** The catalog architectures of the Linux platforms a registry records (others left out). */
function linuxArchitectures(platforms: readonly OciPlatform[]): Architecture[] {
    return platforms.filter((p) => p.os === "linux").map((p) => parseArchitecture(platformString(p)))
        .filter((arch): arch is Architecture => arch !== undefined);
}

/**
 * What is wrong with running `image` on a consumer that picks its architecture from the image
 * (ECS Express Mode): only an image covering none it runs; undefined if nothing.
 */
export function followsImageProblem(consumer: Consumer, name: string, architectures: Extract<ComputeArchitectures, { kind: "follows-image" }>,
    reference: ImageReference, image: RegistryImage): string | undefined {
    const platforms = image.kind === "index" ? image.platforms : [image.platform];
    if (architectures.choose(linuxArchitectures(platforms)) !== undefined) {
        return undefined;
    }
    return `${consumer.noun} '${name}' runs its image's architecture (${architectures.source}), but the registry says image ` +
        `${reference.raw} (${image.digest}) is ${platforms.map(platformString).join(", ") || "no platform"}, none of which it runs: ` +
        `it would fail with "exec format error". Fix: build it for ${ARCHITECTURES.map(dockerPlatform).join(" or ")}.`;
}

/** What is wrong with running `image` on a consumer that runs `architectures`; undefined if nothing. */
export function platformProblem(consumer: Consumer, name: string, architectures: Extract<ComputeArchitectures, { kind: "fixed" }>,
    reference: ImageReference, image: RegistryImage): string | undefined {
    const what = `${consumer.noun} '${name}' runs ${architectures.architectures.join(" or ")} (${architectures.source})`;
    const at = `image ${reference.raw} (${image.digest})`;
    if (image.kind === "index") {
        const platforms = image.platforms.map(platformString);
        if (consumer.type === LAMBDA_FUNCTION) {
            return `${what}, but the registry says ${at} is an index of ${platforms.join(", ") || "no platforms"}: Lambda needs a single-platform ` +
                `image. Fix: point the function at the ${dockerPlatform(architectures.architectures[0])} manifest's digest, or build a single-platform image.`;
        }
        const provided = linuxArchitectures(image.platforms);
        const missing = architectures.architectures.filter((arch) => !provided.includes(arch));
        return missing.length === 0 ? undefined
            : `${what}, but the registry says ${at} is an index of ${platforms.join(", ") || "no platforms"}, without ` +
            `${missing.map(dockerPlatform).join(" or ")}: it would fail with "exec format error". Fix: add ${missing.map(dockerPlatform).join(", ")} to the index.`;
    }
    const [built] = linuxArchitectures([image.platform]);
    const wrong = architectures.architectures.filter((arch) => arch !== built);
    return wrong.length === 0 ? undefined
        : `${what}, but the registry says ${at} is ${platformString(image.platform)}: it would fail with "exec format error". ` +
        `Fix: build the image for ${wrong.map(dockerPlatform).join(", ")}, or run it on ${platformString(image.platform)} compute.`;
}
