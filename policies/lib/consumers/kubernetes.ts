import { ARCHITECTURES, Architecture, KUBERNETES_ARCH_LABEL, parseArchitecture } from "@polyarch/platform";
import { UNKNOWN, containsUnknown, read } from "../props";
import { ComputeArchitectures, Consumer } from "./consumer";
import { literalStrings } from "./literal-strings";

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, string[]>> = {
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The pod spec of a Kubernetes workload's raw props: UNKNOWN, undefined, or the spec object. */
export function podSpecOf(type: string, props: Record<string, unknown>): unknown {
    const podSpecPath = POD_SPEC_PATHS[type];
    return podSpecPath === undefined ? undefined : read(props, ...podSpecPath);
}

export function kubernetesConsumer(type: string): Consumer {
    const podSpecPath = POD_SPEC_PATHS[type];
    return {
        type,
        noun: `Kubernetes ${type.split(":").pop() ?? "workload"}`,
        imageInputs: ["spec"],
        imageReferences(props) {
            const pod = read(props, ...podSpecPath);
            if (pod === UNKNOWN || pod === undefined || pod === null || typeof pod !== "object") {
                return [];
            }
            const containers = ["containers", "initContainers"].flatMap((key) => {
                const list = read(pod as Record<string, unknown>, key);
                return Array.isArray(list) ? list : [];
            });
            return literalStrings(containers.map((c) => (c as Record<string, unknown>)?.image));
        },
        architectures(props) {
            return podArchitectures(read(props, ...podSpecPath));
        },
    };
}

/**
 * The architectures a pod may be scheduled on: its nodeSelector AND its required node affinity
 * (terms ORed, expressions within a term ANDed), restricted to `kubernetes.io/arch`.
 */
export function podArchitectures(podSpec: unknown): ComputeArchitectures {
    if (podSpec === UNKNOWN) {
        return { kind: "unknown", source: "pod spec" };
    }
    let allowed = new Set<Architecture>(ARCHITECTURES);
    let constrained = false;
    const sources: string[] = [];

    const selector = read(podSpec as Record<string, unknown>, "nodeSelector", KUBERNETES_ARCH_LABEL);
    if (selector === UNKNOWN) {
        return { kind: "unknown", source: `nodeSelector ${KUBERNETES_ARCH_LABEL}` };
    }
    if (selector !== undefined) {
        const arch = parseArchitecture(String(selector));
        if (arch === undefined) {
            return { kind: "unknown", source: `nodeSelector ${KUBERNETES_ARCH_LABEL}: ${String(selector)}` };
        }
        allowed = new Set([arch]);
        constrained = true;
        sources.push(`nodeSelector ${KUBERNETES_ARCH_LABEL}: ${String(selector)}`);
    }

    const terms = read(podSpec as Record<string, unknown>, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms");
    if (terms === UNKNOWN || containsUnknown(terms)) {
        return { kind: "unknown", source: "required node affinity" };
    }
    if (Array.isArray(terms) && terms.length > 0) {
        const union = new Set<Architecture>();
        let anyTermConstrains = false;
        for (const term of terms) {
            let termAllowed = new Set<Architecture>(ARCHITECTURES);
            const expressions = Array.isArray(term?.matchExpressions) ? term.matchExpressions : [];
            for (const expression of expressions) {
                if (expression?.key !== KUBERNETES_ARCH_LABEL) {
                    continue;
                }
                anyTermConstrains = true;
                const values = (Array.isArray(expression.values) ? expression.values : []).map((v: unknown) => parseArchitecture(String(v)))
                    .filter((a: Architecture | undefined): a is Architecture => a !== undefined);
                if (expression.operator === "In") {
                    termAllowed = new Set([...termAllowed].filter((a) => values.includes(a)));
                } else if (expression.operator === "NotIn") {
                    termAllowed = new Set([...termAllowed].filter((a) => !values.includes(a)));
                }
            }
            termAllowed.forEach((a) => union.add(a));
        }
        if (anyTermConstrains) {
            allowed = new Set([...allowed].filter((a) => union.has(a)));
            constrained = true;
            sources.push(`required node affinity on ${KUBERNETES_ARCH_LABEL}`);
        }
    }
    return constrained
        ? { kind: "fixed", architectures: [...allowed], source: sources.join(" and ") }
        : { kind: "unconstrained" };
}

export const KUBERNETES_WORKLOAD_TYPES = Object.keys(POD_SPEC_PATHS);

