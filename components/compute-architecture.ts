import { refuse } from "./errors";
import { ImageReference } from "./image-reference";
import { ARCHITECTURES, Architecture, ComputeTarget, describeChoices, dockerPlatform, isArchitecture, targetRestriction } from "./platform";

/**
 * The architecture a compute component runs, derived from its image. Refuses (before anything is
 * registered) an image with no stated architecture, or one the target cannot run.
 */
export function architectureForTarget(
    typeToken: string, name: string, target: ComputeTarget, image: ImageReference | undefined,
): Architecture {
    if (image === undefined || image === null) {
        throw refuse(typeToken, name, "image", "is required: pass a ServiceImage or { imageUri, architecture, repositoryArn }");
    }
    if (!isArchitecture(image.architecture)) {
        throw refuse(typeToken, name, "image.architecture",
            `got '${String(image.architecture)}'; an image must state the one architecture it was built for: ` +
            describeChoices(ARCHITECTURES));
    }
    const restriction = targetRestriction(target, image.architecture);
    if (restriction !== undefined) {
        throw refuse(typeToken, name, "image",
            `the image is ${image.architecture} (${dockerPlatform(image.architecture)}): ${restriction}`);
    }
    return image.architecture;
}
