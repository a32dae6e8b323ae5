/**
 * Checks every AWS- and Kubernetes-facing value a program registered against models polyarch did
 * not write: AWS's service models (enums, documented value lists) and the rules the Kubernetes API
 * server and kubelet enforce. Runs over recorded graphs (dev, prod, every target × architecture).
 */
import { APPRUNNER_PATTERNS, MODEL, ModelEnum, expressPairsFromModels, fargatePairsFromModel, logRetentionDaysFromModel } from "./aws-models";
import { unverifiableNonRoot } from "../../policies/lib/pod-security";
import { podSpecOf, KUBERNETES_WORKLOAD_TYPES } from "../../policies/lib/consumers";

/** A resource as the checks see it: its type, URN and inputs as the provider receives them. */
export interface CheckedResource {
    type: string;
    urn: string;
    inputs: Record<string, unknown>;
}

/** One value a check looked at: where, and against what. */
export interface CheckSite {
    urn: string;
    /** Dotted input path for messages; `containerDefinitions#0.portMappings.0.protocol` for JSON-encoded inputs. */
    path: string;
    /** The same path as keys (label keys contain dots); keys after a `#` step into a JSON-encoded string. */
    keys: (string | number)[];
    value: unknown;
    model: string;
}

export interface Finding extends CheckSite {
    problem: string;
}

/** Where an enum-valued input sits, `*` for every element of an array. */
type EnumRule = [type: string, path: string, model: ModelEnum];

const ENUM_RULES: readonly EnumRule[] = [
    ["aws:eks/nodeGroup:NodeGroup", "amiType", MODEL.eks.AMITypes],
    ["aws:eks/nodeGroup:NodeGroup", "capacityType", MODEL.eks.CapacityTypes],
    ["aws:eks/cluster:Cluster", "enabledClusterLogTypes.*", MODEL.eks.LogType],
    ["aws:eks/cluster:Cluster", "accessConfig.authenticationMode", MODEL.eks.AuthenticationMode],
    ["aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "accessScope.type", MODEL.eks.AccessScopeType],
    ["aws:lambda/function:Function", "architectures.*", MODEL.lambda.Architecture],
    ["aws:lambda/function:Function", "packageType", MODEL.lambda.PackageType],
    ["aws:lambda/function:Function", "tracingConfig.mode", MODEL.lambda.TracingMode],
    ["aws:lambda/function:Function", "loggingConfig.logFormat", MODEL.lambda.LogFormat],
    ["aws:ecs/taskDefinition:TaskDefinition", "runtimePlatform.cpuArchitecture", MODEL.ecs.CPUArchitecture],
    ["aws:ecs/taskDefinition:TaskDefinition", "runtimePlatform.operatingSystemFamily", MODEL.ecs.OSFamily],
    ["aws:ecs/taskDefinition:TaskDefinition", "networkMode", MODEL.ecs.NetworkMode],
    ["aws:ecs/taskDefinition:TaskDefinition", "requiresCompatibilities.*", MODEL.ecs.Compatibility],
    ["aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions#*.portMappings.*.protocol", MODEL.ecs.TransportProtocol],
    ["aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions#*.logConfiguration.logDriver", MODEL.ecs.LogDriver],
    ["aws:ecs/service:Service", "launchType", MODEL.ecs.LaunchType],
    ["aws:ecs/expressGatewayService:ExpressGatewayService", "scalingTargets.*.autoScalingMetric", MODEL.ecs.ExpressGatewayServiceScalingMetric],
    ["aws:lambda/capacityProvider:CapacityProvider", "instanceRequirements.*.architectures.*", MODEL.lambda.Architecture],
    ["aws:ecs/cluster:Cluster", "settings.*.name", MODEL.ecs.ClusterSettingName],
    ["aws:ecr/repository:Repository", "imageTagMutability", MODEL.ecr.ImageTagMutability],
    ["aws:ecr/repository:Repository", "imageTagMutabilityExclusionFilters.*.filterType", MODEL.ecr.ImageTagMutabilityExclusionFilterType],
    ["aws:ecr/repository:Repository", "encryptionConfigurations.*.encryptionType", MODEL.ecr.EncryptionType],
    ["aws:apprunner/service:Service", "sourceConfiguration.imageRepository.imageRepositoryType", MODEL.apprunner.ImageRepositoryType],
    ["aws:apprunner/service:Service", "healthCheckConfiguration.protocol", MODEL.apprunner.HealthCheckProtocol],
    ["aws:lb/loadBalancer:LoadBalancer", "loadBalancerType", MODEL.elbv2.LoadBalancerTypeEnum],
    ["aws:lb/targetGroup:TargetGroup", "protocol", MODEL.elbv2.ProtocolEnum],
    ["aws:lb/targetGroup:TargetGroup", "targetType", MODEL.elbv2.TargetTypeEnum],
    ["aws:lb/listener:Listener", "protocol", MODEL.elbv2.ProtocolEnum],
    ["aws:lb/listener:Listener", "defaultActions.*.type", MODEL.elbv2.ActionTypeEnum],
    ["aws:lb/listener:Listener", "defaultActions.*.redirect.statusCode", MODEL.elbv2.RedirectActionStatusCodeEnum],
];

/** The resource types whose values the checks cover (for the coverage assertion in tests). */
export const CHECKED_TYPES: ReadonlySet<string> = new Set([
    ...ENUM_RULES.map(([type]) => type),
    "aws:cloudwatch/logGroup:LogGroup",
    ...KUBERNETES_WORKLOAD_TYPES,
    "kubernetes:core/v1:Service",
]);

/** A value found in an input tree, with its path as text and as keys. */
export interface Located {
    path: string;
    keys: (string | number)[];
    value: unknown;
}

/** Every value at `pattern` (`*` over arrays, `#` into a JSON-encoded string), with its concrete path. */
export function valuesAt(root: unknown, pattern: string): Located[] {
    let current: Located[] = [{ path: "", keys: [], value: root }];
    for (const [index, part] of pattern.split("#").entries()) {
        if (index > 0) {
            current = current.filter((l) => typeof l.value === "string")
                .map((l) => ({ path: `${l.path}#`, keys: [...l.keys, "#"], value: JSON.parse(l.value as string) as unknown }));
        }
        for (const segment of part.split(".")) {
            current = current.flatMap((l) => children(l, segment));
        }
    }
    return current;
}

/** The children of a located value: every element for `*`, else the named key. */
export function children(at: Located, segment: string): Located[] {
    const join = (key: string | number) => (at.path === "" || at.path.endsWith("#") ? `${at.path}${key}` : `${at.path}.${key}`);
    if (segment === "*") {
        return Array.isArray(at.value) ? at.value.map((v, i) => ({ path: join(i), keys: [...at.keys, i], value: v as unknown })) : [];
    }
    return at.value !== null && typeof at.value === "object" && segment in at.value
        ? [{ path: join(segment), keys: [...at.keys, segment], value: (at.value as Record<string, unknown>)[segment] }]
        : [];
}

/** Kubernetes resource quantities, as apimachinery's `resource.ParseQuantity` accepts them. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
/** A label name (and a label value when non-empty): apimachinery's `IsQualifiedName` / `IsValidLabelValue`. */
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelKeyProblem(key: string): string | undefined {
    const parts = key.split("/");
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (parts.length > 2) {
        return "has more than one '/'";
    }
    if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
        return `prefix '${prefix}' is not a DNS subdomain`;
    }
    return name.length > 63 || !LABEL_NAME.test(name) ? `name '${name}' is not a qualified name (63 characters of [A-Za-z0-9_.-], alphanumeric at both ends)` : undefined;
}

function labelValueProblem(value: unknown): string | undefined {
    if (typeof value !== "string") {
        return "is not a string";
    }
    return value === "" || (value.length <= 63 && LABEL_NAME.test(value)) ? undefined : "is not a label value (63 characters of [A-Za-z0-9_.-], alphanumeric at both ends)";
}

/**
 * Runs every check over the resources. Returns the sites looked at (so a test can mutate each) and
 * the findings. Values that are not plain (unknown, secret-wrapped, outputs) are skipped.
 */
export function checkAgainstModels(resources: readonly CheckedResource[]): { sites: CheckSite[]; findings: Finding[] } {
    const sites: CheckSite[] = [];
    const findings: Finding[] = [];
    const look: Look = (resource, at, model, problem) => {
        const site = { urn: resource.urn, path: at.path, keys: at.keys, value: at.value, model };
        sites.push(site);
        if (problem !== undefined) {
            findings.push({ ...site, problem });
        }
    };
    const fargate = fargatePairsFromModel();
    const express = expressPairsFromModels();
    const retention = logRetentionDaysFromModel();

    for (const resource of resources) {
        for (const [type, pattern, model] of ENUM_RULES) {
            if (resource.type !== type) {
                continue;
            }
            for (const at of valuesAt(resource.inputs, pattern)) {
                const value = at.value;
                if (typeof value === "string") {
                    look(resource, at, model.name, model.values.includes(value) ? undefined
                        : `'${value}' is not in ${model.name} (${model.values.join(", ")})`);
                }
            }
        }
        switch (resource.type) {
            case "aws:ecs/expressGatewayService:ExpressGatewayService": {
                // Express runs Fargate tasks, within the provider's documented Express limits.
                const cpu = Number(resource.inputs.cpu);
                const memory = Number(resource.inputs.memory);
                const allowed = express[cpu];
                look(resource, { path: "cpu+memory", keys: ["memory"], value: `${String(resource.inputs.cpu)}/${String(resource.inputs.memory)}` },
                    "ecs Express sizes (Fargate pairs within the provider's Express limits)",
                    allowed === undefined ? `cpu ${cpu} is not an ECS Express Mode size (${Object.keys(express).join(", ")})`
                        : allowed.includes(memory) ? undefined : `memory ${memory} is not allowed with cpu ${cpu} on ECS Express Mode`);
                break;
            }
            case "aws:ecs/taskDefinition:TaskDefinition": {
                const compat = resource.inputs.requiresCompatibilities;
                if (Array.isArray(compat) && compat.includes("FARGATE")) {
                    const cpu = Number(resource.inputs.cpu);
                    const memory = Number(resource.inputs.memory);
                    const allowed = fargate[cpu];
                    look(resource, { path: "cpu+memory", keys: ["memory"], value: `${String(resource.inputs.cpu)}/${String(resource.inputs.memory)}` },
                        "ecs TaskDefinition.memory (Fargate pairs)",
                        allowed === undefined ? `cpu ${cpu} is not a Fargate size (${Object.keys(fargate).join(", ")})`
                            : allowed.includes(memory) ? undefined : `memory ${memory} is not allowed with cpu ${cpu} on Fargate`);
                }
                break;
            }
            case "aws:apprunner/service:Service": {
                const instance = (resource.inputs.instanceConfiguration ?? {}) as Record<string, unknown>;
                for (const field of ["cpu", "memory"] as const) {
                    const value = instance[field];
                    const patternName = field === "cpu" ? "Cpu" : "Memory";
                    look(resource, { path: `instanceConfiguration.${field}`, keys: ["instanceConfiguration", field], value },
                        `apprunner InstanceConfiguration.${patternName} pattern`,
                        typeof value === "string" && APPRUNNER_PATTERNS[patternName].test(value) ? undefined : `'${String(value)}' does not match App Runner's pattern`);
                }
                break;
            }
            case "aws:cloudwatch/logGroup:LogGroup": {
                const days = resource.inputs.retentionInDays;
                look(resource, { path: "retentionInDays", keys: ["retentionInDays"], value: days }, "logs LogGroup.retentionInDays",
                    days === undefined ? "is unset: the group never expires" : retention.includes(Number(days)) ? undefined : `${String(days)} is not a retention CloudWatch Logs accepts`);
                break;
            }
            default:
                break;
        }
        checkKubernetes(resource, look);
    }
    return { sites, findings };
}

type Look = (resource: CheckedResource, at: Located, model: string, problem: string | undefined) => void;

function checkKubernetes(resource: CheckedResource, look: Look): void {
    const checkLabels = (labels: Located | undefined) => {
        if (labels === undefined || labels.value === null || typeof labels.value !== "object") {
            return;
        }
        for (const [key, value] of Object.entries(labels.value)) {
            const at = children(labels, key)[0];
            look(resource, { ...at, path: `${labels.path}[${key}]`, value: key }, "kubernetes label key", labelKeyProblem(key));
            look(resource, at, "kubernetes label value", labelValueProblem(value));
        }
    };
    if (resource.type.startsWith("kubernetes:")) {
        checkLabels(valuesAt(resource.inputs, "metadata.labels")[0]);
        if (resource.type === "kubernetes:core/v1:Service") {
            checkLabels(valuesAt(resource.inputs, "spec.selector")[0]);
        }
    }
    const podSpec = podSpecOf(resource.type, resource.inputs);
    if (podSpec === undefined || podSpec === null || typeof podSpec !== "object") {
        return;
    }
    const template = resource.type === "kubernetes:batch/v1:CronJob" ? "spec.jobTemplate.spec.template" : "spec.template";
    const pod = valuesAt(resource.inputs, `${template}.spec`)[0];
    checkLabels(valuesAt(resource.inputs, `${template}.metadata.labels`)[0]);
    checkLabels(children(pod, "nodeSelector")[0]);
    const problems = new Map(unverifiableNonRoot(podSpec).map((f) => [f.container, f.reason]));
    for (const container of children(pod, "containers").flatMap((c) => children(c, "*"))) {
        const name = String((container.value as Record<string, unknown>).name);
        look(resource, { ...container, path: `${container.path}.securityContext` }, "kubelet runAsNonRoot verification", problems.get(name));
        const quantities = children(container, "resources").flatMap((r) => [...children(r, "requests"), ...children(r, "limits")])
            .flatMap((kind) => Object.keys((kind.value ?? {}) as object).flatMap((name) => children(kind, name)));
        for (const quantity of quantities) {
            look(resource, quantity, "kubernetes resource.Quantity",
                typeof quantity.value === "string" && QUANTITY.test(quantity.value) ? undefined : `'${String(quantity.value)}' is not a Kubernetes quantity`);
        }
    }
}
