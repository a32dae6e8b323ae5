import * as pulumi from "@pulumi/pulumi";
import { Architecture } from "./platform";

/**
 * What a compute component needs to know about the image it runs. `ServiceImage` satisfies it; an
 * image built elsewhere can too, as long as its architecture is stated rather than guessed.
 */
export interface ImageReference {
    /** `<repositoryUrl>@sha256:<digest>`: pinned by digest, never by a mutable tag. */
    readonly imageUri: pulumi.Input<string>;
    /** The single architecture the image was built for; the compute's architecture derives from it. */
    readonly architecture: Architecture;
    /** ARN of the ECR repository holding it, so pull permissions can be scoped to that repository. */
    readonly repositoryArn: pulumi.Input<string>;
}
