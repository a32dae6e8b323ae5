import { ResourceValidationPolicy } from "@pulumi/policy";
import { APPRUNNER_SERVICE, ECS_TASK_DEFINITION, KUBERNETES_WORKLOAD_TYPES, LAMBDA_FUNCTION } from "../lib/consumers";
import { configSchema, unlessExcluded } from "../lib/policy";
import { UNKNOWN, isUnknown, rawProps, read } from "../lib/props";

/** `repo@sha256:<64 hex>`, optionally with a tag before the digest for non-Lambda consumers. */
const BY_DIGEST = /@sha256:[0-9a-f]{64}$/;

const POD_SPEC: Readonly<Record<string, (string | number)[]>> = Object.fromEntries(KUBERNETES_WORKLOAD_TYPES.map((type) =>
    [type, type.endsWith(":CronJob") ? ["spec", "jobTemplate", "spec", "template", "spec"] : ["spec", "template", "spec"]]));

/** Image references a resource will run: literal strings only (unknown digests are resolved at deploy). */
function imageReferences(type: string, props: Record<string, unknown>): string[] {
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
            return strings(parsed.map((c) => c.image));
        } catch {
            return [];
        }
    }
    const path = POD_SPEC[type];
    if (path) {
        const pod = read(props, ...path);
        if (pod === UNKNOWN || pod === undefined) {
            return [];
        }
        const containers = ["containers", "initContainers"].flatMap((key) => {
            const list = read(pod as Record<string, unknown>, key);
            return Array.isArray(list) ? list : [];
        });
        return strings(containers.map((c) => (c as Record<string, unknown>)?.image));
    }
    return [];
}

/** A tag can move; a digest names exactly the bytes (and the platform) that were checked. */
export const imageReferenceByDigest: ResourceValidationPolicy = {
    name: "image-reference-by-digest",
    description: "Lambda, App Runner, ECS and Kubernetes must reference images by digest, never by a mutable tag such as :latest.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Reference `<repositoryUrl>@sha256:<digest>` (polyarch's ServiceImage.imageUri, or docker-build Image's digest).",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        for (const reference of imageReferences(args.type, rawProps(args.props))) {
            if (!BY_DIGEST.test(reference)) {
                report(`'${args.name}' (${args.type}) references image '${reference}' by tag. Fix: reference it by digest ` +
                    "(<repository>@sha256:…), so what runs is exactly what was built and checked.");
            }
        }
    }),
};
