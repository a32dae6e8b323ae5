import { StackValidationPolicy } from "@pulumi/policy";
import { dockerPlatform, ecsCpuArchitecture } from "@polyarch/platform";
import { AWSX_ECS_CONSUMERS, CONSUMERS, cpuArchitectureInput, ecsConsumer } from "../lib/consumers";
import { describeResource } from "../lib/images";
import { configSchema, validateConsumers } from "../lib/policy";

/** A Fargate task on the wrong runtime platform exits at once with "exec format error". */
export const ecsTaskArchitectureMatchesImage: StackValidationPolicy = {
    name: "ecs-task-architecture-matches-image",
    description: "An ECS task definition's runtimePlatform.cpuArchitecture (X86_64 when unset) must match every container image; " +
        "awsx's ECS services and task definitions are judged from their own arguments.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Set runtimePlatform.cpuArchitecture to the images' architecture (ARM64 for linux/arm64), or rebuild the " +
        "images for the task's architecture.",
    configSchema: configSchema(),
    validateStack: validateConsumers([ecsConsumer, ...AWSX_ECS_CONSUMERS], (task, arch, { resource: image, platforms }) => {
        if (platforms.kind !== "known" || arch.kind !== "fixed" || platforms.architectures.includes(arch.architectures[0])) {
            return undefined;
        }
        const runs = arch.architectures[0];
        const built = platforms.architectures[0];
        return `${CONSUMERS.get(task.type)?.noun ?? task.type} '${task.name}' runs ${runs} (${arch.source}) but its image ` +
            `${describeResource(image)} is built for ${platforms.platforms.join(", ")}. Fix: set ${cpuArchitectureInput(task.type)} to ` +
            `${ecsCpuArchitecture(built)}, or ` +
            `build the image for ${dockerPlatform(runs)}.`;
    }),
};
