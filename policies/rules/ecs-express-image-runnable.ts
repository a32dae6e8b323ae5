import { StackValidationPolicy } from "@pulumi/policy";
import { TARGETS, dockerPlatform } from "@polyarch/platform";
import { ecsExpressConsumer } from "../lib/consumers";
import { StackIndex, describeResource } from "../lib/images";
import { ExclusionConfig, configSchema, isExcluded } from "../lib/policy";
import { rawProps } from "../lib/props";

/**
 * ECS Express Mode has no architecture input: it declares X86_64 and, when the image lacks it,
 * runs the image's own architecture (the catalog's ECS_EXPRESS). What can still go wrong is an
 * image, or an index, covering no architecture Fargate runs (linux/arm/v7, linux/s390x…): every
 * task then exits with "exec format error" and the deployment never reaches a steady state.
 */
export const ecsExpressImageRunnable: StackValidationPolicy = {
    name: "ecs-express-image-runnable",
    description: "An ECS Express Mode service's image must include a platform Fargate runs (linux/amd64 or linux/arm64).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Build the image (or add to the index) linux/arm64, which Express runs on Graviton, or linux/amd64.",
    configSchema: configSchema(),
    validateStack: (args, report) => {
        const config = args.getConfig<ExclusionConfig>();
        let index: StackIndex | undefined;
        for (const resource of args.resources) {
            if (resource.type !== ecsExpressConsumer.type || isExcluded(config, resource)) {
                continue;
            }
            const arch = ecsExpressConsumer.architectures(rawProps(resource.props));
            if (arch.kind !== "follows-image") {
                continue;
            }
            index ??= new StackIndex(args.resources);
            for (const { resource: image, platforms } of index.imagesBehind(resource, ecsExpressConsumer.imageInputs)) {
                // Unset and unknown platforms are architecture-verifiable's to report.
                if (platforms.kind !== "known" && platforms.kind !== "unsupported") {
                    continue;
                }
                const listed = platforms.platforms;
                if (arch.choose(platforms.architectures) === undefined) {
                    const runnable = TARGETS["ecs-express"].supported.map(dockerPlatform).join(" or ");
                    report(`ECS Express Mode service '${resource.name}' runs its image's architecture (${arch.source}), but its image ` +
                        `${describeResource(image)} is built for ${listed.join(", ")}, none of which Fargate runs. Fix: build it for ` +
                        `${runnable}.`, resource.urn);
                }
            }
        }
    },
};
