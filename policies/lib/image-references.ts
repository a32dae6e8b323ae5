import { APPRUNNER_SERVICE, ECS_TASK_DEFINITION, LAMBDA_FUNCTION, podSpecOf } from "./consumers";
import { UNKNOWN, isUnknown, read } from "./props";

/**
 * The image references a consumer will run, as literal strings: Lambda `imageUri`, App Runner
 * `imageIdentifier`, every container of an ECS task definition and of a Kubernetes pod template
 * (init containers too). A reference unknown during a preview (a digest not yet built) is left out.
 */
export function imageReferences(type: string, props: Record<string, unknown>): string[] {
    const strings = (values: unknown[]) => values.filter((v): v is string => typeof v === "string" && !isUnknown(v));
    if (type === LAMBDA_FUNCTION) {
        return read(props, "packageType") === "Image" ? strings([read(props, "imageUri")]) : [];
    }
    if (type === APPRUNNER_SERVICE) {
        return strings([read(props, "sourceConfiguration", "imageRepository", "imageIdentifier")]);
    }
    if (type === ECS_TASK_DEFINITION) {
        const definitions = read(props, "containerDefinitions");
        if (typeof definitions !== "string" || isUnknown(definitions)) {
            return [];
        }
        try {
            const parsed = JSON.parse(definitions) as { image?: unknown }[];
            return Array.isArray(parsed) ? strings(parsed.map((c) => c?.image)) : [];
        } catch {
            return [];
        }
    }
    const pod = podSpecOf(type, props);
    if (pod === UNKNOWN || pod === undefined || pod === null || typeof pod !== "object") {
        return [];
    }
    const containers = ["containers", "initContainers"].flatMap((key) => {
        const list = read(pod as Record<string, unknown>, key);
        return Array.isArray(list) ? list : [];
    });
    return strings(containers.map((c) => (c as Record<string, unknown>)?.image));
}
