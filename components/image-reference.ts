import * as pulumi from "@pulumi/pulumi";
import { Architecture } from "./platform";

/**
 * What a compute component needs to know about the image it runs. `ServiceImage` and
 * `MultiArchImage` satisfy it; an image built elsewhere can too, as long as its architecture is
 * stated rather than guessed.
 */
export interface ImageReference {
    /** `<repositoryUrl>@sha256:<digest>`: pinned by digest, never by a mutable tag. */
    readonly imageUri: pulumi.Input<string>;
    /**
     * The architecture the image was built for; for an index, the one a compute that runs a single
     * architecture (an ECS task) runs unless told otherwise.
     */
    readonly architecture: Architecture;
    /**
     * Every architecture an image index covers (a `MultiArchImage`); absent for a single-platform
     * image, which covers just `architecture`.
     */
    readonly architectures?: readonly Architecture[];
    /** ARN of the ECR repository holding it, so pull permissions can be scoped to that repository. */
    readonly repositoryArn: pulumi.Input<string>;
}

/** The architectures an image covers: an index's list, or a single image's one. */
export function coveredArchitectures(image: ImageReference): readonly Architecture[] {
    return image.architectures ?? [image.architecture];
}
