import * as fs from "fs";
import * as path from "path";
import { Architecture, dockerPlatform, parseArchitecture } from "@polyarch/platform";
import { IMAGE_TYPES, TracedImage } from "polyarch-policies/dist/lib/images";
import { parseImageReference } from "polyarch-policies/dist/lib/oci-reference";
import { read } from "polyarch-policies/dist/lib/props";
import { RegistryConfig, isChecked, lookupImage } from "polyarch-policies/dist/lib/registry-lookup";
import { dockerfileFacts } from "./dockerfile-cross-build";

export interface Offer {
    offered: boolean | "unknown";
    why?: string;
}

/**
 * Whether a workload's image can be had for an architecture it does not run today: an image (or
 * index) that already covers it; one built from a Dockerfile that cross-builds; an image pinned
 * from elsewhere whose index lists the platform (only `--registry` reads that; otherwise unknown).
 */
export class ImageFacts {
    constructor(
        /** Where the program runs: docker-build's context and Dockerfile paths are relative to it. */
        private readonly programDirectory: string,
        /** `--registry`: the registry rules' config, to read pinned images' indexes; undefined offline. */
        private readonly registry: RegistryConfig | undefined,
    ) {}

    async offer(images: readonly TracedImage[], references: readonly string[], arch: Architecture): Promise<Offer> {
        const platform = dockerPlatform(arch);
        if (images.length > 0) {
            for (const { resource, platforms } of images) {
                if ((platforms.kind === "known" || platforms.kind === "unsupported") && platforms.architectures.includes(arch)) {
                    continue;
                }
                const built = this.builtFor(resource, platform);
                if (built.offered !== true) {
                    return built;
                }
            }
            return { offered: true };
        }
        if (references.length === 0) {
            return { offered: "unknown", why: "its image could not be traced to a build or a reference" };
        }
        for (const reference of references) {
            const listed = await this.registryLists(reference, arch);
            if (listed.offered !== true) {
                return listed;
            }
        }
        return { offered: true };
    }

    /** A docker-build image: its Dockerfile must cross-build; an index: each image it joins. */
    private builtFor(resource: TracedImage["resource"], platform: string): Offer {
        if (resource.type === IMAGE_TYPES.dockerBuildIndex) {
            const sources = resource.propertyDependencies.sources ?? [];
            const built = sources.map((source) => this.builtFor(source, platform));
            return sources.length === 0 ? { offered: "unknown", why: `index ${resource.name} joins no image this program builds` }
                : built.find((offer) => offer.offered !== true) ?? { offered: true };
        }
        if (resource.type !== IMAGE_TYPES.dockerBuildImage) {
            return { offered: "unknown", why: `image ${resource.name} (${resource.type}) is built by a component whose Dockerfile the estimate does not read` };
        }
        const inline = read(resource.props, "dockerfile", "inline");
        const location = read(resource.props, "dockerfile", "location");
        const context = read(resource.props, "context", "location");
        let text: string | undefined = typeof inline === "string" ? inline : undefined;
        const file = text !== undefined ? undefined : typeof location === "string" ? location : typeof context === "string" ? path.join(context, "Dockerfile") : undefined;
        if (text === undefined && file !== undefined) {
            try {
                text = fs.readFileSync(path.resolve(this.programDirectory, file), "utf8");
            } catch {
                return { offered: "unknown", why: `its Dockerfile ${file} could not be read` };
            }
        }
        if (text === undefined) {
            return { offered: "unknown", why: `image ${resource.name} names no Dockerfile` };
        }
        const facts = dockerfileFacts(text);
        const named = file ?? "its inline Dockerfile";
        if (facts.pinnedPlatform !== undefined) {
            return parseArchitecture(facts.pinnedPlatform.platform) === parseArchitecture(platform) ? { offered: true } : {
                offered: false,
                why: `${named} pins its final stage to ${facts.pinnedPlatform.platform} (line ${facts.pinnedPlatform.line}): it only ever builds that platform`,
            };
        }
        return facts.runOnTarget === undefined ? { offered: true } : {
            offered: "unknown",
            why: `${named} runs RUN on the target platform (line ${facts.runOnTarget.line}, stage ${facts.runOnTarget.stage}): ` +
                `it builds for ${platform} only on a builder of that CPU or under emulation`,
        };
    }

    private async registryLists(reference: string, arch: Architecture): Promise<Offer> {
        const platform = dockerPlatform(arch);
        const ref = parseImageReference(reference);
        if (this.registry === undefined || ref === undefined || !isChecked(ref, this.registry)) {
            return { offered: "unknown", why: `${reference} is pinned from elsewhere: ${this.registry === undefined
                ? "--registry reads whether its index lists " + platform
                : "its registry is not among those the registry rules' config checks"}` };
        }
        const result = await lookupImage(ref, this.registry);
        if (!result.ok) {
            return { offered: "unknown", why: `${reference} could not be read from its registry: ${result.message}` };
        }
        const listed = result.image.kind === "index" ? result.image.platforms : [result.image.platform];
        return listed.some((p) => p.os === "linux" && parseArchitecture(p.architecture) === arch)
            ? { offered: true }
            : { offered: false, why: `${reference} has no ${platform} image (${listed.map((p) => `${p.os}/${p.architecture}`).join(", ")})` };
    }
}
