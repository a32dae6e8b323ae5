import { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { ComputeArchitectures, Consumer, consistentNodeGroupArchitecture, judgedProps } from "./consumers";
import { GraphResource, StackIndex, TracedImage } from "./images";

/** Config every rule accepts: resources (by logical name) a stack opts out of this rule. */
export interface ExclusionConfig {
    excludeResourceNames?: string[];
}

/** JSON schema for {@link ExclusionConfig}, merged with a rule's own properties. */
export function configSchema(properties: PolicyConfigSchema["properties"] = {}): PolicyConfigSchema {
    return {
        properties: {
            excludeResourceNames: {
                type: "array",
                items: { type: "string" },
                description: "Logical names of resources this rule skips (document why in the stack's config).",
            },
            ...properties,
        },
    };
}

export function isExcluded(config: ExclusionConfig, resource: { name: string }): boolean {
    return (config.excludeResourceNames ?? []).includes(resource.name);
}

/** One architecture check on a consumer's fixed architectures and one traced image. */
export type ImageCheck = (
    consumer: GraphResource, arch: Extract<ComputeArchitectures, { kind: "fixed" | "unconstrained" }>, image: TracedImage, index: StackIndex,
) => string | undefined;

/**
 * The stack-validation body shared by the architecture rules: for each resource of the consumer
 * type, trace its image input to the images in the stack and report what `check` finds. Unknown
 * or untraceable facts are left to the architecture-verifiable rule, which stacks configure.
 */
export function validateConsumers(consumers: Consumer[], check: ImageCheck) {
    const byType = new Map(consumers.map((c) => [c.type, c]));
    return (args: StackValidationArgs, report: ReportViolation): void => {
        const config = args.getConfig<ExclusionConfig>();
        let index: StackIndex | undefined;
        for (const resource of args.resources) {
            const consumer = byType.get(resource.type);
            const props = consumer && judgedProps(resource);
            if (consumer === undefined || props === undefined || isExcluded(config, resource)) {
                continue;
            }
            const arch = consumer.architectures(props);
            if (arch.kind !== "fixed" && arch.kind !== "unconstrained") {
                continue;
            }
            index ??= new StackIndex(args.resources, consistentNodeGroupArchitecture);
            for (const image of index.imagesBehind(resource, consumer.imageInputs)) {
                if (image.platforms.kind !== "known") {
                    continue;
                }
                const message = check(resource, arch, image, index);
                if (message !== undefined) {
                    report(message, resource.urn);
                }
            }
        }
    };
}

/** Resource-validation wrapper applying the exclusion list (an async validation's promise is returned, so the SDK awaits it). */
export function unlessExcluded(validate: (args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>) {
    return (args: ResourceValidationArgs, report: ReportViolation): void | Promise<void> => {
        if (!isExcluded(args.getConfig<ExclusionConfig>(), args)) {
            return validate(args, report);
        }
    };
}
