import * as path from "path";
import { ImageReference } from "../../components/image-reference";
import { Architecture } from "../../components/platform";

export const HELLO_CONTEXT = path.join(__dirname, "..", "fixtures", "hello");

/** An image built elsewhere, stated by digest and architecture. */
export function externalImage(architecture: Architecture, repo = "svc"): ImageReference {
    return {
        imageUri: `123456789012.dkr.ecr.us-west-2.amazonaws.com/${repo}@sha256:${"a".repeat(64)}`,
        architecture,
        repositoryArn: `arn:aws:ecr:us-west-2:123456789012:repository/${repo}`,
    };
}
