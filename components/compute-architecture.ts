import { refuse } from "./errors";
import { ImageReference, coveredArchitectures } from "./image-reference";
import {
    ARCHITECTURES, Architecture, ComputeTarget, describeChoices, dockerPlatform, isArchitecture, singleManifestReason, targetRestriction,
} from "./platform";

/**
 * The architecture a compute component runs, derived from its image. Refuses (before anything is
 * registered) an image with no stated architecture, an index on a target that runs only single
 * manifests, or an architecture the target cannot run.
 */
export function architectureForTarget(
    typeToken: string, name: string, target: ComputeTarget, image: ImageReference | undefined,
): Architecture {
    return architecturesForTarget(typeToken, name, target, image)[0];
}

/**
 * Every architecture `target` may run the image on: the image's own, or for an index all it
 * covers, the image's `architecture` first. Refuses what {@link architectureForTarget} refuses.
 */
export function architecturesForTarget(
    typeToken: string, name: string, target: ComputeTarget, image: ImageReference | undefined,
): Architecture[] {
    if (image === undefined || image === null) {
        throw refuse(typeToken, name, "image", "is required: pass a ServiceImage or { imageUri, architecture, repositoryArn }");
    }
    if (!isArchitecture(image.architecture)) {
        throw refuse(typeToken, name, "image.architecture",
            `got '${String(image.architecture)}'; an image must state the one architecture it was built for: ` +
            describeChoices(ARCHITECTURES));
    }
    const covered = coveredArchitectures(image);
    const invalid = covered.find((arch) => !isArchitecture(arch));
    if (invalid !== undefined || !covered.includes(image.architecture)) {
        throw refuse(typeToken, name, "image.architectures",
            `got ${JSON.stringify(covered)}; list the architectures the index covers (${describeChoices(ARCHITECTURES)}), ` +
            `including its architecture '${image.architecture}'`);
    }
    if (covered.length > 1) {
        const reason = singleManifestReason(target);
        if (reason !== undefined) {
            throw refuse(typeToken, name, "image", `is an index of ${covered.map(dockerPlatform).join(", ")}: ${reason}`);
        }
    }
    for (const arch of covered) {
        const restriction = targetRestriction(target, arch);
        if (restriction !== undefined) {
            throw refuse(typeToken, name, "image", `the image is ${arch} (${dockerPlatform(arch)}): ${restriction}`);
        }
    }
    return [image.architecture, ...covered.filter((arch) => arch !== image.architecture)];
}
