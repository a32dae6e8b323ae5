import { StackValidationPolicy } from "@pulumi/policy";
import { ARCHITECTURES, KUBERNETES_ARCH_LABEL, kubernetesArch } from "@polyarch/platform";
import { KUBERNETES_WORKLOAD_TYPES, podArchitectures, podSpecOf } from "../lib/consumers";
import { stackNodePools, tolerates } from "../lib/node-pools";
import { ExclusionConfig, configSchema, isExcluded } from "../lib/policy";
import { rawProps, read } from "../lib/props";

const WORKLOAD_TYPES = new Set(KUBERNETES_WORKLOAD_TYPES);

/**
 * A workload whose architecture no node can offer never starts: its pods stay Pending. Node
 * groups are one source of nodes; Karpenter NodePools and EKS Auto Mode's built-in pools are the
 * others (Auto Mode's general-purpose pool is amd64 only, its system pool is tainted). The
 * workload's kubernetes.io/arch constraint must be met by some pool whose taints it tolerates.
 */
export const kubernetesWorkloadSchedulable: StackValidationPolicy = {
    name: "kubernetes-workload-schedulable",
    description: "Every Kubernetes workload's architecture must be offered by a node group or node pool (Karpenter, EKS Auto Mode) it can use.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: `Add a node pool for the workload's architecture (Karpenter: requirements ${KUBERNETES_ARCH_LABEL} In [...]; ` +
        "a managed node group of that architecture), or select an architecture the cluster offers and build the image for it.",
    configSchema: configSchema(),
    validateStack: (args, report) => {
        const pools = stackNodePools(args.resources);
        if (pools === undefined || pools.length === 0) {
            return;
        }
        const config = args.getConfig<ExclusionConfig>();
        for (const resource of args.resources) {
            if (!WORKLOAD_TYPES.has(resource.type) || isExcluded(config, resource)) {
                continue;
            }
            const podSpec = podSpecOf(resource.type, rawProps(resource.props));
            const arch = podArchitectures(podSpec);
            if (arch.kind !== "fixed" && arch.kind !== "unconstrained") {
                continue;
            }
            const wanted = arch.kind === "fixed" ? arch.architectures : [...ARCHITECTURES];
            const tolerations = read((podSpec ?? {}) as Record<string, unknown>, "tolerations");
            const usable = pools.filter((pool) => pool.taints.every((taint) => tolerates(tolerations, taint)));
            if (usable.some((pool) => wanted.some((a) => pool.architectures.has(a)))) {
                continue;
            }
            const offered = pools.map((pool) => `${pool.description}: ${[...pool.architectures].join(", ") || "none"}` +
                (pool.taints.length > 0 && !usable.includes(pool) ? ` (taint ${pool.taints.map((t) => t.key).join(", ")} not tolerated)` : "")).join("; ");
            const noun = resource.type.split(":").pop();
            report(`${noun} '${resource.name}' needs ${wanted.join(" or ")} nodes (${arch.kind === "fixed" ? arch.source : "no selector"}), ` +
                `but no node pool it can use offers them, so its pods would stay Pending. Offered: ${offered}. Fix: add a node pool ` +
                `with ${KUBERNETES_ARCH_LABEL} In [${wanted.map(kubernetesArch).map((a) => `"${a}"`).join(", ")}], or select an architecture the cluster offers.`,
            resource.urn);
        }
    },
};
