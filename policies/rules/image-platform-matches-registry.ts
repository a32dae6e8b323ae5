import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, unlessExcluded } from "../lib/policy";
import { checkConsumerImages, followsImageProblem, platformProblem } from "../lib/registry-checks";
import { RegistryConfig, registryConfigProperties } from "../lib/registry-lookup";

/**
 * Registry ground truth, checked before the consumer exists. The stack rules trust the program's
 * description of an image and run only after every step of `pulumi up`; this resource rule runs in
 * `analyze`, which the engine calls before each resource's step. By then the image resource has
 * been created, so the consumer's reference carries a real digest: the rule reads that manifest
 * (and config blob) from the registry and compares its platform with the consumer's architecture.
 * It also checks images never built in the stack (pinned by digest from config, promoted from
 * another account). During a preview of a new image the reference is unknown and it stays silent.
 * Lookups that fail are reported by `image-platform-readable-from-registry`, whose level each
 * stack chooses.
 */
export const imagePlatformMatchesRegistry: ResourceValidationPolicy = {
    name: "image-platform-matches-registry",
    description: "The platform the registry records for a workload's image must be the architecture the workload runs.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Build (or pick the index entry of) the image for the workload's architecture, or change the workload's " +
        "architecture to the image's. For Lambda, point at a single-platform manifest, never an index.",
    configSchema: configSchema(registryConfigProperties()),
    validateResource: unlessExcluded(async (args, report) => {
        const check = await checkConsumerImages(args.type, args.props, args.getConfig<RegistryConfig>(), args.opts.parent);
        if (check === undefined) {
            return;
        }
        const architectures = check.architectures;
        if (architectures.kind !== "fixed" && architectures.kind !== "follows-image") {
            return;
        }
        for (const { reference, result } of check.images) {
            if (result.ok) {
                const problem = architectures.kind === "fixed"
                    ? platformProblem(check.consumer, args.name, architectures, reference, result.image)
                    : followsImageProblem(check.consumer, args.name, architectures, reference, result.image);
                if (problem !== undefined) {
                    report(problem);
                }
            }
        }
    }),
};
