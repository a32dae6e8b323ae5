import { StackValidationPolicy } from "@pulumi/policy";
import { KUBERNETES_ARCH_LABEL, dockerPlatform, kubernetesArch } from "@polyarch/platform";
import { KUBERNETES_WORKLOAD_TYPES, kubernetesConsumer } from "../lib/consumers";
import { describeResource } from "../lib/images";
import { configSchema, validateConsumers } from "../lib/policy";

/**
 * A pod scheduled onto a node of the other architecture crash-loops with "exec format error".
 * The pod's nodeSelector / required affinity on kubernetes.io/arch must only allow nodes its images
 * run on; with no constraint, every node group in the stack must be able to run them.
 */
export const kubernetesWorkloadArchitectureMatchesImage: StackValidationPolicy = {
    name: "kubernetes-workload-architecture-matches-image",
    description: `Kubernetes workloads must select (${KUBERNETES_ARCH_LABEL}) only nodes that can run their images.`,
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: `Add nodeSelector {"${KUBERNETES_ARCH_LABEL}": "<arch>"} matching the image, or build a multi-platform ` +
        "index covering every selectable architecture.",
    configSchema: configSchema(),
    validateStack: validateConsumers(KUBERNETES_WORKLOAD_TYPES.map(kubernetesConsumer), (workload, arch, { resource: image, platforms }, index) => {
        if (platforms.kind !== "known") {
            return undefined;
        }
        const noun = workload.type.split(":").pop();
        if (arch.kind === "unconstrained") {
            const nodes = [...index.nodeGroupArchitectures];
            const unrunnable = nodes.filter((a) => !platforms.architectures.includes(a));
            if (unrunnable.length === 0) {
                return undefined;
            }
            const fix = platforms.architectures[0];
            return `${noun} '${workload.name}' has no ${KUBERNETES_ARCH_LABEL} selector, and the stack has ${unrunnable.join(", ")} ` +
                `node groups that cannot run its image ${describeResource(image)} (${platforms.platforms.join(", ")}). Fix: add ` +
                `nodeSelector {"${KUBERNETES_ARCH_LABEL}": "${kubernetesArch(fix)}"}.`;
        }
        const unrunnable = arch.architectures.filter((a) => !platforms.architectures.includes(a));
        if (unrunnable.length === 0 && arch.architectures.length > 0) {
            return undefined;
        }
        if (arch.architectures.length === 0) {
            return `${noun} '${workload.name}' selects no architecture at all (${arch.source}): it can never be scheduled.`;
        }
        const built = platforms.architectures[0];
        return `${noun} '${workload.name}' may run on ${unrunnable.join(", ")} nodes (${arch.source}) but its image ` +
            `${describeResource(image)} is built for ${platforms.platforms.join(", ")}. Fix: select ` +
            `{"${KUBERNETES_ARCH_LABEL}": "${kubernetesArch(built)}"}, or build the image for ${unrunnable.map(dockerPlatform).join(", ")}.`;
    }),
};
