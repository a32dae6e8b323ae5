import {
    ARCHITECTURES, Architecture, ECS_DEFAULT_ARCHITECTURE, EKS_CUSTOM_AMI_TYPE, KUBERNETES_ARCH_LABEL, LAMBDA_DEFAULT_ARCHITECTURE,
    TARGETS, amiTypeArchitecture, instanceTypeArchitecture, parseArchitecture,
} from "./platform";
import { GraphResource } from "./images";
import { UNKNOWN, containsUnknown, rawProps, read } from "./props";

/** The architectures a compute resource will run its image on. */
export type ComputeArchitectures =
    | { kind: "fixed"; architectures: Architecture[]; source: string }
    /** Kubernetes pods with no arch constraint: any node of the cluster. */
    | { kind: "unconstrained" }
    | { kind: "unknown"; source: string }
    /** Not a container workload (a Zip Lambda): out of scope. */
    | { kind: "not-applicable" };

/** A resource type that runs images, and how to read it. */
export interface Consumer {
    type: string;
    /** What it is called in messages: "Lambda function". */
    noun: string;
    /** The input whose propertyDependencies lead to its images. */
    imageInput: string;
    architectures(props: Record<string, unknown>): ComputeArchitectures;
}

export const LAMBDA_FUNCTION = "aws:lambda/function:Function";
export const APPRUNNER_SERVICE = "aws:apprunner/service:Service";
export const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

export const lambdaConsumer: Consumer = {
    type: LAMBDA_FUNCTION,
    noun: "Lambda function",
    imageInput: "imageUri",
    architectures(props) {
        const packageType = read(props, "packageType");
        if (packageType !== "Image" && packageType !== UNKNOWN) {
            return { kind: "not-applicable" };
        }
        const value = read(props, "architectures");
        if (value === UNKNOWN || containsUnknown(value)) {
            return { kind: "unknown", source: "architectures" };
        }
        const list = Array.isArray(value) ? value.map(String) : [];
        if (list.length === 0) {
            // Lambda's own default, which is what bites arm64 images built by default elsewhere.
            return { kind: "fixed", architectures: [LAMBDA_DEFAULT_ARCHITECTURE], source: "architectures unset (Lambda defaults to x86_64)" };
        }
        const archs = list.map(parseArchitecture);
        return archs.every((a): a is Architecture => a !== undefined)
            ? { kind: "fixed", architectures: archs, source: `architectures: ${JSON.stringify(list)}` }
            : { kind: "unknown", source: `architectures: ${JSON.stringify(list)}` };
    },
};

export const appRunnerConsumer: Consumer = {
    type: APPRUNNER_SERVICE,
    noun: "App Runner service",
    imageInput: "sourceConfiguration",
    architectures() {
        const only = TARGETS.apprunner.supported;
        return { kind: "fixed", architectures: [...only], source: `App Runner runs ${only.join(", ")} only` };
    },
};

export const ecsConsumer: Consumer = {
    type: ECS_TASK_DEFINITION,
    noun: "ECS task definition",
    imageInput: "containerDefinitions",
    architectures(props) {
        const value = read(props, "runtimePlatform", "cpuArchitecture");
        if (value === UNKNOWN) {
            return { kind: "unknown", source: "runtimePlatform.cpuArchitecture" };
        }
        if (value === undefined || value === null || value === "") {
            return { kind: "fixed", architectures: [ECS_DEFAULT_ARCHITECTURE], source: "runtimePlatform.cpuArchitecture unset (ECS defaults to X86_64)" };
        }
        const arch = parseArchitecture(String(value));
        return arch
            ? { kind: "fixed", architectures: [arch], source: `runtimePlatform.cpuArchitecture: ${String(value)}` }
            : { kind: "unknown", source: `runtimePlatform.cpuArchitecture: ${String(value)}` };
    },
};

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
        imageInput: "spec",
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

/** Every consumer polyarch checks, by type. */
export const CONSUMERS: ReadonlyMap<string, Consumer> = new Map(
    [lambdaConsumer, appRunnerConsumer, ecsConsumer, ...KUBERNETES_WORKLOAD_TYPES.map(kubernetesConsumer)].map((c) => [c.type, c]));

/** What an EKS managed node group's AMI type and instance types say about its architecture. */
export type NodeGroupArchitecture =
    | { kind: "consistent"; architecture: Architecture; source: string }
    | { kind: "mixed"; amiType?: string; amiArchitecture?: Architecture; offenders: { instanceType: string; architecture: Architecture }[]; expected: Architecture }
    | { kind: "unknown"; source: string }
    /** An AMI type EKS does not have (a misspelling such as `AL2023_X86_64_STANDARD`): never consistent. */
    | { kind: "invalid-ami"; amiType: string };

export function nodeGroupArchitecture(resource: { props: Record<string, unknown> }): NodeGroupArchitecture {
    const props = rawProps(resource.props);
    const amiType = read(props, "amiType");
    const instanceTypes = read(props, "instanceTypes");
    if (amiType === UNKNOWN) {
        return { kind: "unknown", source: "amiType" };
    }
    if (instanceTypes === UNKNOWN || containsUnknown(instanceTypes)) {
        return { kind: "unknown", source: "instanceTypes" };
    }
    const types = Array.isArray(instanceTypes) ? instanceTypes.map(String) : [];
    const classified = types.map((instanceType) => ({ instanceType, architecture: instanceTypeArchitecture(instanceType) }));
    const amiArch = typeof amiType === "string" ? amiTypeArchitecture(amiType) : undefined;
    if (typeof amiType === "string" && amiArch === undefined && amiType !== EKS_CUSTOM_AMI_TYPE) {
        return { kind: "invalid-ami", amiType };
    }
    // A CUSTOM or launch-template AMI hides the architecture: fall back to the instance types.
    const expected = amiArch ?? classified.find((c) => c.architecture !== undefined)?.architecture;
    if (expected === undefined) {
        return { kind: "unknown", source: types.length === 0 ? "amiType and instanceTypes (set in a launch template?)" : "instanceTypes" };
    }
    const offenders = classified.filter((c): c is { instanceType: string; architecture: Architecture } =>
        c.architecture !== undefined && c.architecture !== expected);
    if (offenders.length > 0) {
        return { kind: "mixed", amiType: typeof amiType === "string" ? amiType : undefined, amiArchitecture: amiArch, offenders, expected };
    }
    return { kind: "consistent", architecture: expected, source: amiArch ? `amiType ${String(amiType)}` : `instance types ${types.join(", ")}` };
}

/** The architecture of a node group when it is consistent (for workloads without a selector). */
export function consistentNodeGroupArchitecture(resource: GraphResource): Architecture | undefined {
    if (resource.type !== EKS_NODE_GROUP) {
        return undefined;
    }
    const result = nodeGroupArchitecture(resource);
    return result.kind === "consistent" ? result.architecture : undefined;
}
