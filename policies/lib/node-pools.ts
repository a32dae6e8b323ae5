import { ARCHITECTURES, Architecture, EKS_AUTO_MODE_NODE_POOLS, KUBERNETES_ARCH_LABEL, NodeTaint, parseArchitecture } from "@polyarch/platform";
import { consistentNodeGroupArchitecture } from "./consumers";
import { GraphResource } from "./images";
import { UNKNOWN, containsUnknown, rawProps, read } from "./props";

/** Karpenter's NodePool, as the Kubernetes provider types a CustomResource of that kind. */
export const KARPENTER_NODE_POOL_TYPES: ReadonlySet<string> = new Set(["kubernetes:karpenter.sh/v1:NodePool", "kubernetes:karpenter.sh/v1beta1:NodePool"]);
export const EKS_CLUSTER = "aws:eks/cluster:Cluster";

/** Somewhere pods can be scheduled: a Karpenter NodePool, an EKS Auto Mode built-in pool, a managed node group. */
export interface NodePool {
    /** `Karpenter NodePool 'arm'`, `EKS Auto Mode pool 'general-purpose' of cluster 'c'`. */
    description: string;
    architectures: ReadonlySet<Architecture>;
    taints: readonly NodeTaint[];
}

/**
 * A Karpenter NodePool's architectures from `spec.template.spec.requirements` on
 * kubernetes.io/arch (In, NotIn, Exists, DoesNotExist; several requirements on the key all apply).
 * With none, Karpenter may launch either architecture (our reading of Karpenter v1: it picks any
 * instance type the pool and its NodeClass allow). Undefined when a requirement is unknown.
 */
export function karpenterNodePool(resource: GraphResource): NodePool | undefined {
    const props = rawProps(resource.props);
    const requirements = read(props, "spec", "template", "spec", "requirements");
    const taints = read(props, "spec", "template", "spec", "taints");
    if (requirements === UNKNOWN || containsUnknown(requirements) || taints === UNKNOWN || containsUnknown(taints)) {
        return undefined;
    }
    let allowed = new Set<Architecture>(ARCHITECTURES);
    for (const requirement of Array.isArray(requirements) ? requirements as Record<string, unknown>[] : []) {
        if (requirement?.key !== KUBERNETES_ARCH_LABEL) {
            continue;
        }
        const values = (Array.isArray(requirement.values) ? requirement.values : []).map((v) => parseArchitecture(String(v)));
        switch (requirement.operator) {
            case "In":
                allowed = new Set([...allowed].filter((a) => values.includes(a)));
                break;
            case "NotIn":
                allowed = new Set([...allowed].filter((a) => !values.includes(a)));
                break;
            case "DoesNotExist":
                allowed = new Set();
                break;
            default: // Exists: any architecture
                break;
        }
    }
    return { description: `Karpenter NodePool '${resource.name}'`, architectures: allowed, taints: readTaints(taints) };
}

/** The built-in pools an EKS Auto Mode cluster enables (`computeConfig.nodePools`). */
export function autoModeNodePools(resource: GraphResource): NodePool[] | undefined {
    const props = rawProps(resource.props);
    const enabled = read(props, "computeConfig", "enabled");
    const pools = read(props, "computeConfig", "nodePools");
    if (enabled === UNKNOWN || pools === UNKNOWN || containsUnknown(pools)) {
        return undefined;
    }
    if (enabled !== true) {
        return [];
    }
    return (Array.isArray(pools) ? pools.map(String) : []).flatMap((name) => {
        const pool = EKS_AUTO_MODE_NODE_POOLS[name];
        return pool === undefined ? [] : [{
            description: `EKS Auto Mode pool '${name}' of cluster '${resource.name}'`,
            architectures: new Set(pool.architectures),
            taints: pool.taints,
        }];
    });
}

/** EKS's spelling of taint effects (node group `taints`) → Kubernetes'. */
const EKS_TAINT_EFFECTS: Readonly<Record<string, NodeTaint["effect"]>> = {
    NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

/** A managed node group whose AMI and instance types agree on one architecture. */
export function managedNodeGroupPool(resource: GraphResource): NodePool | undefined {
    const architecture = consistentNodeGroupArchitecture(resource);
    if (architecture === undefined) {
        return undefined;
    }
    const taints = read(rawProps(resource.props), "taints");
    return {
        description: `EKS node group '${resource.name}'`,
        architectures: new Set([architecture]),
        taints: readTaints((Array.isArray(taints) ? taints as Record<string, unknown>[] : []).map((t) => ({ ...t, effect: EKS_TAINT_EFFECTS[String(t?.effect)] }))),
    };
}

/**
 * Every place the stack lets pods be scheduled: empty when it declares none, undefined when one is
 * not known during a preview (it might offer anything, so nothing can be concluded).
 */
export function stackNodePools(resources: GraphResource[]): NodePool[] | undefined {
    const pools: NodePool[] = [];
    for (const resource of resources) {
        if (KARPENTER_NODE_POOL_TYPES.has(resource.type)) {
            const pool = karpenterNodePool(resource);
            if (pool === undefined) {
                return undefined;
            }
            pools.push(pool);
        } else if (resource.type === EKS_CLUSTER) {
            const builtIn = autoModeNodePools(resource);
            if (builtIn === undefined) {
                return undefined;
            }
            pools.push(...builtIn);
        } else {
            const group = managedNodeGroupPool(resource);
            if (group !== undefined) {
                pools.push(group);
            }
        }
    }
    return pools;
}

/** Whether a pod's tolerations admit a taint (Kubernetes' matching: key, operator, value, effect). */
export function tolerates(tolerations: unknown, taint: NodeTaint): boolean {
    return (Array.isArray(tolerations) ? tolerations as Record<string, unknown>[] : []).some((t) => {
        const exists = t?.operator === "Exists";
        const keyMatches = t?.key === taint.key || (exists && (t?.key === undefined || t?.key === ""));
        const valueMatches = exists || (t?.value ?? "") === (taint.value ?? "");
        const effectMatches = t?.effect === undefined || t?.effect === "" || t?.effect === taint.effect;
        return keyMatches && valueMatches && effectMatches;
    });
}

function readTaints(value: unknown): NodeTaint[] {
    return (Array.isArray(value) ? value as Record<string, unknown>[] : [])
        .filter((t) => typeof t?.key === "string" && (t.effect === "NoSchedule" || t.effect === "NoExecute"))
        .map((t) => ({ key: String(t.key), value: typeof t.value === "string" ? t.value : undefined, effect: t.effect as NodeTaint["effect"] }));
}
