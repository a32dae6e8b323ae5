import { StackValidationPolicy } from "@pulumi/policy";
import { dockerPlatform, ecsCpuArchitecture } from "../lib/platform";
import { ecsConsumer } from "../lib/consumers";
import { describeResource } from "../lib/images";
import { configSchema, validateConsumers } from "../lib/policy";

/** A Fargate task on the wrong runtime platform exits at once with "exec format error". */
export const ecsTaskArchitectureMatchesImage: StackValidationPolicy = {
    name: "ecs-task-architecture-matches-image",
    description: "An ECS task definition's runtimePlatform.cpuArchitecture (X86_64 when unset) must match every container image.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Set runtimePlatform.cpuArchitecture to the images' architecture (ARM64 for linux/arm64), or rebuild the " +
        "images for the task's architecture.",
    configSchema: configSchema(),
    validateStack: validateConsumers([ecsConsumer], (task, arch, { resource: image, platforms }) => {
        if (platforms.kind !== "known" || arch.kind !== "fixed" || platforms.architectures.includes(arch.architectures[0])) {
            return undefined;
        }
        const runs = arch.architectures[0];
        const built = platforms.architectures[0];
        return `ECS task definition '${task.name}' runs ${runs} (${arch.source}) but its image ${describeResource(image)} is built ` +
            `for ${platforms.platforms.join(", ")}. Fix: set runtimePlatform.cpuArchitecture to ${ecsCpuArchitecture(built)}, or ` +
            `build the image for ${dockerPlatform(runs)}.`;
    }),
};
