import { CONSUMERS } from "./consumers";

/**
 * The image references a consumer will run, as literal strings: Lambda `imageUri`, App Runner
 * `imageIdentifier`, every container of an ECS task definition and of a Kubernetes pod template
 * (init containers too), an Express service's primary container. Each consumer module knows its
 * own; a reference unknown during a preview (a digest not yet built) is left out.
 */
export function imageReferences(type: string, props: Record<string, unknown>): string[] {
    return CONSUMERS.get(type)?.imageReferences(props) ?? [];
}
