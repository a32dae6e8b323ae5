/**
 * What each workload of a planned stack costs a month at the architecture it runs, and what it
 * would cost on the other one where it can run there (README "What arm64 saves").
 *
 * Read from the recorded resources, as the service table is, so it works on any program: a Lambda
 * function's memory and architecture, an ECS service's tasks and its task definition's size, an
 * Express or App Runner service's size, an EKS node group's instances. Usage (requests, duration,
 * active hours) comes from the stack's config or the documented defaults (usage.ts).
 */
import { ARCHITECTURES, Architecture, COMPUTE_TARGETS, ComputeTarget, DEFAULT_INSTANCE_TYPES, TARGETS, otherArchitecture,
    siblingInstanceType, targetRestriction } from "@polyarch/platform";
import { FARGATE_TASK_SIZES, EXPRESS_TASK_SIZES } from "@polyarch/platform";
import { HOURS_PER_MONTH } from "@polyarch/platform";
import { APPRUNNER_SERVICE, ComputeArchitectures, Consumer, ECS_EXPRESS_SERVICE, ECS_TASK_DEFINITION, EKS_NODE_COMPONENT_TYPES, KUBERNETES_WORKLOAD_TYPES,
    LAMBDA_FUNCTION, nodeGroupArchitecture, podSpecOf } from "polyarch-policies/dist/lib/consumers";
import { GraphResource, TracedImage } from "polyarch-policies/dist/lib/images";
import { read } from "polyarch-policies/dist/lib/props";
import { StackWorkloads, Workload as StackWorkload } from "../policy-gate/service-table";
import { ImageFacts } from "./image-facts";
import { PriceBook } from "./price-book";
import { ResolvedUsage, ServiceUsage, resolveUsage } from "./usage";

export const ECS_SERVICE = "aws:ecs/service:Service";
export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const LAMBDA_CAPACITY_PROVIDER = "aws:lambda/capacityProvider:CapacityProvider";
export const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";

/**
 * The instances a Lambda Managed Instances capacity provider keeps running for a published function
 * at rest: Lambda starts three execution environments, spread over Availability Zones, when a
 * version is published, so three instances is the floor this estimate prices.
 */
export const MANAGED_INSTANCES_AT_REST = 3;

/** The instance type the EKS API gives a managed node group that names none (CreateNodegroup `instanceTypes`). */
export const EKS_NODE_GROUP_DEFAULT_INSTANCE_TYPE = "t3.medium";

export interface CostAlternative {
    target: ComputeTarget;
    architecture: Architecture;
    monthly?: number;
    saving?: number;
    savingPercent?: number;
    /** Whether it can run there: the target allows it and the image can be built or found for it. */
    offered: boolean | "unknown";
    /** Why it is not offered, or why that is unknown. */
    why?: string;
}

export interface ServiceCost {
    service: string;
    urn: string;
    target: ComputeTarget;
    architecture?: Architecture;
    /** Undefined when it could not be priced (basis says why). */
    monthly?: number;
    basis: string;
    alternatives: CostAlternative[];
}

export interface NodeGroupCost {
    nodeGroup: string;
    urn: string;
    instanceType: string;
    architecture?: Architecture;
    desiredSize: number;
    monthly?: number;
    basis: string;
    /** What no workload of the program requests (its share is in no service's figure). */
    unallocated: number;
}

export interface SharedCost {
    item: string;
    urn: string;
    monthly: number;
    basis: string;
}

export interface CostReport {
    currency: "USD";
    region?: string;
    pricesAsOf?: string;
    source: "table" | "live" | "none";
    /** Why there is no estimate (a region without prices); the rest is then empty. */
    unavailable?: string;
    services: ServiceCost[];
    nodeGroups: NodeGroupCost[];
    shared: SharedCost[];
    /** The sums of what could be priced: a service or node group in `unpriced` is in none of them. */
    total?: number;
    totalIfAllX86?: number;
    totalIfAllArm64?: number;
    /** What could not be priced (each one's basis says why); the totals leave it out. */
    unpriced: string[];
}

export interface EstimateOptions {
    prices: PriceBook | undefined;
    region: string | undefined;
    /** `usage:` per service name, from the stack's config. */
    usage: ReadonlyMap<string, Partial<ServiceUsage>>;
    /** Answers whether an image can be had for an architecture (Dockerfiles, registries). */
    images: ImageFacts;
}

/** Cents are what a monthly figure is shown to; sums are taken before rounding. */
export function cents(usd: number): number {
    return Math.round(usd * 100) / 100;
}

export function money(usd: number | undefined): string {
    return usd === undefined ? "-" : `$${cents(usd).toFixed(2)}`;
}

function num(value: unknown): number | undefined {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** App Runner's and Express's sizes come as "1024" or "1 vCPU", "2048" or "2 GB". */
function units(value: unknown, perUnit: number): number | undefined {
    const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : undefined;
    const match = text === undefined ? null : /^\s*([\d.]+)\s*(vcpu|gb)?\s*$/i.exec(text);
    if (match === null) {
        return undefined;
    }
    return match[2] === undefined ? Number(match[1]) : Number(match[1]) * perUnit;
}

/** What the compute runs: its fixed architecture, or what it picks from its images (Express). */
function architectureOf(arch: ComputeArchitectures, images: TracedImage[]): Architecture | undefined {
    if (arch.kind === "fixed") {
        return arch.architectures[0];
    }
    if (arch.kind === "follows-image") {
        const covered = images.flatMap(({ platforms }) => (platforms.kind === "known" ? platforms.architectures : []));
        return covered.length === 0 ? undefined : arch.choose(covered);
    }
    return undefined;
}

/** A workload of the stack (service-table.ts), with what pricing it needs besides. */
interface Workload extends StackWorkload {
    references: string[];
    usage: ResolvedUsage;
}

/** The price of `hours` of a Fargate task of `cpuUnits`/`memoryMib` on `arch`, or which price is missing. */
function fargateHour(prices: PriceBook, arch: Architecture, cpuUnits: number, memoryMib: number): number | undefined {
    const vcpu = prices.find("fargate-vcpu-hour", arch);
    const gb = prices.find("fargate-gb-hour", arch);
    return vcpu === undefined || gb === undefined ? undefined : (cpuUnits / 1024) * vcpu + (memoryMib / 1024) * gb;
}

function usageNote(usage: ResolvedUsage, keys: (keyof ServiceUsage)[]): string {
    const defaulted = keys.filter((key) => usage.defaulted.has(key));
    return defaulted.length === 0 ? "usage from the stack's config" : `default ${defaulted.join(", ")} (set usage in the stack's config)`;
}

function alternative(target: ComputeTarget, architecture: Architecture, monthly: number | undefined, current: number | undefined,
    offer: { offered: boolean | "unknown"; why?: string }): CostAlternative {
    const saving = monthly !== undefined && current !== undefined ? current - monthly : undefined;
    return {
        target, architecture, ...(monthly === undefined ? {} : { monthly }),
        ...(saving === undefined ? {} : { saving, savingPercent: current === 0 ? 0 : Math.round((saving / (current as number)) * 1000) / 10 }),
        offered: offer.offered, ...(offer.why === undefined ? {} : { why: offer.why }),
    };
}

/** The first string of a list input, when it lists one. */
function firstOf(value: unknown): string | undefined {
    return Array.isArray(value) && typeof value[0] === "string" ? value[0] : undefined;
}

/**
 * The instance type a managed node group runs: the first it lists; the EKS API's t3.medium when
 * neither its instanceTypes nor a launch template names one; undefined when the launch template does.
 */
function nodeGroupInstanceType(props: Record<string, unknown>): string | undefined {
    const types = read(props, "instanceTypes");
    const template = read(props, "launchTemplate");
    if (!Array.isArray(types) && template !== undefined && template !== null) {
        return undefined;
    }
    return firstOf(types) ?? EKS_NODE_GROUP_DEFAULT_INSTANCE_TYPE;
}

/** The first instance type a Lambda capacity provider allows, when it lists any. */
function capacityProviderInstanceType(props: Record<string, unknown>): string | undefined {
    return firstOf(read(props, "instanceRequirements", 0, "allowedInstanceTypes"));
}

/**
 * The instance types an estimate of this program prices: each node group's and capacity provider's
 * and their siblings of the other architecture.
 */
export function instanceTypesToAsk(graph: GraphResource[]): string[] {
    const types = graph.flatMap((r) => {
        const type = r.type === EKS_NODE_GROUP ? nodeGroupInstanceType(r.props)
            : r.type === LAMBDA_CAPACITY_PROVIDER ? capacityProviderInstanceType(r.props) : undefined;
        return type === undefined ? [] : [type];
    });
    return [...new Set(types.flatMap((type) => [type, ...ARCHITECTURES.map((arch) => siblingInstanceType(type, arch) ?? type)]))];
}

/** The estimate over a recorded program, or why there is none. */
export async function estimateCost(stack: StackWorkloads, options: EstimateOptions): Promise<CostReport> {
    const { prices, region } = options;
    const base = { currency: "USD" as const, ...(region === undefined ? {} : { region }) };
    if (prices === undefined) {
        return { ...base, source: "none", services: [], nodeGroups: [], shared: [], unpriced: [],
            unavailable: region === undefined
                ? "no region: set aws:region in the stack's config (the estimate prices that region)"
                : `no prices for region ${region}: the price table covers other regions (\`--prices live\` asks AWS's Price List API), and a region's prices are not guessed from another's` };
    }
    const { graph } = stack;
    const workloads: Workload[] = stack.workloads.map((w) => ({
        ...w, references: w.consumer.imageReferences(w.resource.props), usage: resolveUsage(options.usage.get(w.service)),
    }));
    const nodeGroups = graph.filter((r) => r.type === EKS_NODE_GROUP).map((r) => nodeGroupCost(r, prices));
    // @pulumi/eks components whose children were not recorded (the gate does not run their provider):
    // their node groups and cluster cost money the estimate cannot see.
    const parents = new Set(graph.flatMap((r) => (r.parent === undefined ? [] : [r.parent.urn])));
    const unexpandedEks = graph.filter((r) => EKS_NODE_COMPONENT_TYPES.includes(r.type) && !parents.has(r.urn));
    const services: ServiceCost[] = [];
    for (const workload of workloads) {
        services.push(await serviceCost(workload, graph, nodeGroups, workloads, prices, options.images, unexpandedEks.length > 0));
    }
    const shared = graph.flatMap((r): SharedCost[] => {
        if (r.type === EKS_CLUSTER) {
            const hour = prices.find("eks-cluster-hour");
            return hour === undefined ? [] : [{ item: `EKS cluster ${r.name}`, urn: r.urn, monthly: hour * HOURS_PER_MONTH,
                basis: `${HOURS_PER_MONTH} h × $${hour}/h (standard support), whatever its nodes' CPU` }];
        }
        if (r.type === LOAD_BALANCER && (read(r.props, "loadBalancerType") ?? "application") === "application") {
            const hour = prices.find("alb-hour");
            return hour === undefined ? [] : [{ item: `Application Load Balancer ${r.name}`, urn: r.urn, monthly: hour * HOURS_PER_MONTH,
                basis: `${HOURS_PER_MONTH} h × $${hour}/h; LCUs (traffic) not counted` }];
        }
        return [];
    });
    const fixed = shared.reduce((sum, s) => sum + s.monthly, 0) + nodeGroups.reduce((sum, g) => sum + g.unallocated, 0);
    const totalWith = (pick: (s: ServiceCost) => number | undefined) => services.reduce((sum, s) => sum + (pick(s) ?? 0), fixed);
    const allOn = (arch: Architecture) => (s: ServiceCost) => {
        if (s.architecture === arch) {
            return s.monthly;
        }
        const offered = s.alternatives.filter((a) => a.architecture === arch && a.offered === true && a.monthly !== undefined);
        return offered.length === 0 ? s.monthly : Math.min(...offered.map((a) => a.monthly as number));
    };
    return {
        ...base, pricesAsOf: prices.asOf, source: prices.source, services, nodeGroups: nodeGroups.map(withoutInternals), shared,
        unpriced: [...services.filter((s) => s.monthly === undefined).map((s) => s.service),
            ...nodeGroups.filter((g) => g.monthly === undefined).map((g) => `node group ${g.nodeGroup}`),
            ...unexpandedEks.map((r) => `${r.type} ${r.name} (its nodes and cluster fee: a @pulumi/eks component the plan does not expand)`)],
        total: totalWith((s) => s.monthly),
        totalIfAllX86: totalWith(allOn("x86_64")),
        totalIfAllArm64: totalWith(allOn("arm64")),
    };
}

/** A node group as the report has it (the sibling's price and the graph node are the estimate's own). */
function withoutInternals(group: NodeGroupEstimate): NodeGroupCost {
    const { nodeGroup, urn, instanceType, architecture, desiredSize, monthly, basis, unallocated } = group;
    return { nodeGroup, urn, instanceType, ...(architecture === undefined ? {} : { architecture }), desiredSize,
        ...(monthly === undefined ? {} : { monthly }), basis, unallocated };
}

interface NodeGroupEstimate extends NodeGroupCost {
    resource: GraphResource;
    /** The hourly price of one instance of the sibling type of the other architecture. */
    siblingHour?: number;
    siblingType?: string;
}

function nodeGroupCost(resource: GraphResource, prices: PriceBook): NodeGroupEstimate {
    const types = read(resource.props, "instanceTypes");
    const instanceType = nodeGroupInstanceType(resource.props);
    const desiredSize = num(read(resource.props, "scalingConfig", "desiredSize")) ?? 0;
    if (instanceType === undefined) {
        return { resource, nodeGroup: resource.name, urn: resource.urn, instanceType: "(launch template)", desiredSize, unallocated: 0,
            basis: "not priced: its instance type is in its launch template, which the estimate does not read" };
    }
    const result = nodeGroupArchitecture(resource);
    const architecture = result?.kind === "consistent" ? result.architecture : undefined;
    const hour = prices.find("ec2-hour", architecture, instanceType);
    const spot = read(resource.props, "capacityType") === "SPOT";
    const sibling = architecture === undefined ? undefined : siblingInstanceType(instanceType, otherArchitecture(architecture));
    const siblingHour = sibling === undefined ? undefined : prices.find("ec2-hour", otherArchitecture(architecture as Architecture), sibling);
    const monthly = hour === undefined ? undefined : hour * desiredSize * HOURS_PER_MONTH;
    return {
        resource, nodeGroup: resource.name, urn: resource.urn, instanceType, desiredSize, monthly,
        ...(architecture === undefined ? {} : { architecture }),
        basis: hour === undefined
            ? `not priced: ${prices.missing(instanceType)}`
            : `${desiredSize} × ${instanceType} × ${HOURS_PER_MONTH} h at $${hour}/h on demand` +
                (spot ? " (Spot: billed below this, at the Spot price of the hour)" : "") +
                (types === undefined ? " (no instanceTypes: the EKS API's t3.medium)" : ""),
        unallocated: monthly ?? 0,
        ...(sibling === undefined ? {} : { siblingType: sibling }),
        ...(siblingHour === undefined ? {} : { siblingHour }),
    };
}

async function serviceCost(w: Workload, graph: GraphResource[], nodeGroups: NodeGroupEstimate[], all: Workload[], prices: PriceBook,
    images: ImageFacts, eksComponents: boolean): Promise<ServiceCost> {
    const arch = architectureOf(w.arch, w.images);
    const head = { service: w.service, urn: w.resource.urn, ...(arch === undefined ? {} : { architecture: arch }) };
    const other = arch === undefined ? undefined : otherArchitecture(arch);
    const offerFor = (target: ComputeTarget, wanted: Architecture) => {
        const restriction = targetRestriction(target, wanted);
        return restriction !== undefined ? Promise.resolve({ offered: false, why: restriction }) : images.offer(w.images, w.references, wanted);
    };
    switch (w.resource.type) {
        case LAMBDA_FUNCTION:
            return lambdaCost(w, graph, prices, head, arch, other, offerFor);
        case ECS_TASK_DEFINITION:
            return ecsCost(w, graph, prices, head, arch, other, offerFor);
        case ECS_EXPRESS_SERVICE:
            return expressCost(w, prices, head, arch, other, offerFor);
        case APPRUNNER_SERVICE:
            return appRunnerCost(w, prices, head, offerFor);
        default:
            if (KUBERNETES_WORKLOAD_TYPES.includes(w.resource.type)) {
                return kubernetesCost(w, nodeGroups, all, head, other, offerFor, eksComponents);
            }
            return { ...head, target: targetOf(w.consumer), alternatives: [],
                basis: `not priced: a ${w.consumer.noun} sizes its resources itself; the estimate reads the resources it creates` };
    }
}

/** The compute target a consumer runs on (the catalog's `runsOn`); Kubernetes workloads run on EKS. */
function targetOf(consumer: Consumer): ComputeTarget {
    return COMPUTE_TARGETS.find((target) => TARGETS[target].runsOn === consumer.runsOn) ?? "eks";
}

type Head = { service: string; urn: string; architecture?: Architecture };
type OfferFor = (target: ComputeTarget, wanted: Architecture) => Promise<{ offered: boolean | "unknown"; why?: string }>;

async function lambdaCost(w: Workload, graph: GraphResource[], prices: PriceBook, head: Head, arch: Architecture | undefined,
    other: Architecture | undefined, offerFor: OfferFor): Promise<ServiceCost> {
    const memoryMb = num(read(w.resource.props, "memorySize")) ?? 128;
    const { requestsPerMonth, averageDurationMs } = w.usage;
    const requestPrice = prices.find("lambda-requests");
    const requests = requestPrice === undefined ? Number.NaN : (requestsPerMonth / 1e6) * requestPrice;
    const usage = usageNote(w.usage, ["requestsPerMonth", "averageDurationMs"]);
    const providerUrns = w.resource.propertyDependencies.capacityProviderConfig ?? [];
    const provider = providerUrns.find((r) => r.type === LAMBDA_CAPACITY_PROVIDER);
    if (read(w.resource.props, "capacityProviderConfig") !== undefined && read(w.resource.props, "capacityProviderConfig") !== null) {
        return managedInstancesCost(graph, prices, head, arch, other, offerFor, provider, requests, usage);
    }
    const gbSeconds = requestsPerMonth * (averageDurationMs / 1000) * (memoryMb / 1024);
    const monthlyOn = (a: Architecture) => {
        const price = prices.find("lambda-gb-second", a);
        return price === undefined || Number.isNaN(requests) ? undefined : gbSeconds * price + requests;
    };
    const monthly = arch === undefined ? undefined : monthlyOn(arch);
    const price = arch === undefined ? undefined : prices.find("lambda-gb-second", arch);
    return {
        ...head, target: "lambda", monthly,
        basis: `${requestsPerMonth.toLocaleString("en-US")} requests × ${averageDurationMs} ms × ${memoryMb} MB = ` +
            `${Math.round(gbSeconds).toLocaleString("en-US")} GB-s at $${price ?? "?"}/GB-s + $${requestPrice}/1M requests; ${usage}`,
        alternatives: other === undefined ? [] : [alternative("lambda", other, monthlyOn(other), monthly, await offerFor("lambda", other))],
    };
}

async function managedInstancesCost(graph: GraphResource[], prices: PriceBook, head: Head, arch: Architecture | undefined,
    other: Architecture | undefined, offerFor: OfferFor, provider: GraphResource | undefined, requests: number, usage: string): Promise<ServiceCost> {
    const instanceType = (provider === undefined ? undefined : capacityProviderInstanceType(provider.props)) ??
        (arch === undefined ? undefined : DEFAULT_INSTANCE_TYPES[arch][0]);
    // Functions sharing one capacity provider share its instances.
    const sharing = provider === undefined ? 1 : Math.max(1, graph.filter((r) => r.type === LAMBDA_FUNCTION &&
        (r.propertyDependencies.capacityProviderConfig ?? []).some((p) => p.urn === provider.urn)).length);
    const fee = prices.find("lambda-managed-instances-fee");
    const monthlyWith = (a: Architecture, type: string | undefined) => {
        const hour = type === undefined ? undefined : prices.find("ec2-hour", a, type);
        return hour === undefined || fee === undefined || Number.isNaN(requests) ? undefined
            : (MANAGED_INSTANCES_AT_REST * hour * (1 + fee) * HOURS_PER_MONTH) / sharing + requests;
    };
    const monthly = arch === undefined ? undefined : monthlyWith(arch, instanceType);
    const siblingType = other === undefined || instanceType === undefined ? undefined : siblingInstanceType(instanceType, other);
    return {
        ...head, target: "lambda", monthly,
        basis: `Lambda Managed Instances: ${MANAGED_INSTANCES_AT_REST} × ${instanceType ?? "?"} × ${HOURS_PER_MONTH} h on demand ` +
            `+ ${fee === undefined ? "?" : Math.round(fee * 100)}% management fee${sharing > 1 ? `, shared by ${sharing} functions` : ""} + requests; ${usage}`,
        alternatives: other === undefined ? [] : [alternative("lambda", other, monthlyWith(other, siblingType), monthly,
            siblingType === undefined ? { offered: false, why: `no ${other} sibling of ${instanceType ?? "its instance type"} in the catalog` }
                : await offerFor("lambda", other))],
    };
}

async function ecsCost(w: Workload, graph: GraphResource[], prices: PriceBook, head: Head, arch: Architecture | undefined,
    other: Architecture | undefined, offerFor: OfferFor): Promise<ServiceCost> {
    // Task sizes come as "1024" or "1 vCPU", "2048" or "2 GB" (RegisterTaskDefinition accepts both).
    const cpu = units(read(w.resource.props, "cpu"), 1024);
    const memory = units(read(w.resource.props, "memory"), 1024);
    const runners = graph.filter((r) => r.type === ECS_SERVICE && (r.propertyDependencies.taskDefinition ?? []).some((t) => t.urn === w.resource.urn));
    const strategies = (r: GraphResource) => {
        const list = read(r.props, "capacityProviderStrategies");
        return Array.isArray(list) ? list.map((x) => (x !== null && typeof x === "object" ? read(x as Record<string, unknown>, "capacityProvider") : undefined)) : [];
    };
    const fargate = (r: GraphResource) => read(r.props, "launchType") === "FARGATE" ||
        (strategies(r).length > 0 && strategies(r).every((p) => p === "FARGATE" || p === "FARGATE_SPOT"));
    const spot = runners.some((r) => strategies(r).includes("FARGATE_SPOT"));
    const notPriced = (why: string): ServiceCost => ({ ...head, target: "ecs", basis: `not priced: ${why}`, alternatives: [] });
    if (runners.length === 0) {
        return notPriced("no ECS service of this program runs the task definition");
    }
    if (runners.some((r) => read(r.props, "launchType") === undefined && strategies(r).length === 0)) {
        return notPriced("an ECS service with neither launchType nor a capacity provider strategy runs on its cluster's default strategy, which the program does not show");
    }
    if (!runners.every(fargate)) {
        return notPriced("an ECS service on the EC2 launch type (or an EC2 capacity provider) is billed by its container instances, which the estimate does not size");
    }
    if (cpu === undefined || memory === undefined) {
        return notPriced("the task definition sets no task-level cpu and memory");
    }
    // terraform-provider-aws sends desired_count 0 when unset.
    const tasks = runners.reduce((sum, r) => sum + (num(read(r.props, "desiredCount")) ?? 0), 0);
    const monthlyOn = (a: Architecture) => {
        const hour = fargateHour(prices, a, cpu, memory);
        return hour === undefined ? undefined : hour * tasks * HOURS_PER_MONTH;
    };
    const monthly = arch === undefined ? undefined : monthlyOn(arch);
    return {
        ...head, target: "ecs", monthly,
        basis: `${tasks} task(s) × ${cpu / 1024} vCPU, ${memory / 1024} GB × ${HOURS_PER_MONTH} h on Fargate ${arch ?? ""}`.trimEnd() +
            (spot ? " (on demand; Fargate Spot tasks are billed below this)" : ""),
        alternatives: other === undefined ? [] : [alternative("ecs", other, monthlyOn(other), monthly, await offerFor("ecs", other))],
    };
}

async function expressCost(w: Workload, prices: PriceBook, head: Head, arch: Architecture | undefined, other: Architecture | undefined,
    offerFor: OfferFor): Promise<ServiceCost> {
    // CreateExpressGatewayService's defaults (ECS API model): 256 CPU units, 512 MiB, one task.
    const cpu = num(read(w.resource.props, "cpu")) ?? 256;
    const memory = num(read(w.resource.props, "memory")) ?? 512;
    const tasks = num(read(w.resource.props, "scalingTargets", 0, "minTaskCount")) ?? 1;
    const alb = prices.find("alb-hour");
    const monthlyOn = (a: Architecture) => {
        const hour = fargateHour(prices, a, cpu, memory);
        return hour === undefined || alb === undefined ? undefined : (hour * tasks + alb) * HOURS_PER_MONTH;
    };
    const monthly = arch === undefined ? undefined : monthlyOn(arch);
    return {
        ...head, target: "ecs-express", monthly,
        basis: `${tasks} task(s) (minTaskCount) × ${cpu / 1024} vCPU, ${memory / 1024} GB × ${HOURS_PER_MONTH} h on Fargate ${arch ?? "(architecture unknown)"}` +
            ` + the Application Load Balancer Express provisions, counted whole at $${alb ?? "?"}/h (Express shares one among up to 25 services; LCUs not counted)`,
        alternatives: other === undefined ? [] : [alternative("ecs-express", other, monthlyOn(other), monthly, await offerFor("ecs-express", other))],
    };
}

async function appRunnerCost(w: Workload, prices: PriceBook, head: Head, offerFor: OfferFor): Promise<ServiceCost> {
    // App Runner's defaults (CreateService InstanceConfiguration): 1 vCPU, 2 GB.
    const cpu = units(read(w.resource.props, "instanceConfiguration", "cpu"), 1024) ?? 1024;
    const memory = units(read(w.resource.props, "instanceConfiguration", "memory"), 1024) ?? 2048;
    const vcpuHour = prices.find("apprunner-vcpu-hour");
    const gbHour = prices.find("apprunner-gb-hour");
    const active = w.usage.activeHoursPerMonth;
    const monthly = vcpuHour === undefined || gbHour === undefined ? undefined
        : active * ((cpu / 1024) * vcpuHour + (memory / 1024) * gbHour) + (HOURS_PER_MONTH - active) * (memory / 1024) * gbHour;
    const alternatives: CostAlternative[] = [];
    // App Runner's successors, on Graviton: the same size where Fargate offers it, with the load
    // balancer that replaces App Runner's own endpoint (Express provisions it; on ECS one is added).
    const alb = prices.find("alb-hour");
    for (const [target, sizes] of [["ecs-express", EXPRESS_TASK_SIZES], ["ecs", FARGATE_TASK_SIZES]] as const) {
        const fits = sizes[cpu]?.includes(memory) ?? false;
        const hour = fits && alb !== undefined ? fargateHour(prices, "arm64", cpu, memory) : undefined;
        alternatives.push(alternative(target, "arm64", hour === undefined ? undefined : (hour + (alb as number)) * HOURS_PER_MONTH, monthly,
            fits ? await offerFor(target, "arm64") : { offered: false, why: `${cpu} CPU units with ${memory} MiB is not a ${target} size` }));
    }
    return {
        ...head, target: "apprunner", monthly,
        basis: vcpuHour === undefined || gbHour === undefined ? `not priced: ${prices.missing("App Runner")}`
            : `1 instance × ${cpu / 1024} vCPU, ${memory / 1024} GB: ${active} h active, ${HOURS_PER_MONTH - active} h provisioned (memory only); ` +
                `${usageNote(w.usage, ["activeHoursPerMonth"])}; its successors on arm64 are one Fargate task of the same size and a load balancer`,
        alternatives: [alternative("apprunner", "arm64", undefined, monthly, { offered: false, why: targetRestriction("apprunner", "arm64") }),
            ...alternatives],
    };
}

/** A workload's replicas and the CPU (millicores) each requests, 0 when it requests none. */
function podShape(w: Workload): { replicas: number; millicores: number } {
    const replicas = num(read(w.resource.props, "spec", "replicas")) ?? 1;
    const spec = podSpecOf(w.resource.type, w.resource.props);
    const containers = spec !== null && typeof spec === "object" ? read(spec as Record<string, unknown>, "containers") : undefined;
    const millicores = (Array.isArray(containers) ? containers : []).reduce((sum: number, c: unknown) => {
        const request = c !== null && typeof c === "object" ? read(c as Record<string, unknown>, "resources", "requests", "cpu") : undefined;
        const text = typeof request === "number" ? String(request) : typeof request === "string" ? request : "";
        const m = /^([\d.]+)(m?)$/.exec(text.trim());
        return sum + (m === null ? 0 : m[2] === "m" ? Number(m[1]) : Number(m[1]) * 1000);
    }, 0);
    return { replicas, millicores };
}

/**
 * Each sharer's part of a node group: by replicas × CPU requested when every one requests CPU,
 * else by replicas (a pod requesting nothing still takes a node's room). All zero: equal parts.
 */
function shares(sharers: Workload[]): Map<Workload, number> {
    const shapes = sharers.map(podShape);
    const byRequests = shapes.every((p) => p.millicores > 0);
    const weights = shapes.map((p) => (byRequests ? p.replicas * p.millicores : p.replicas));
    const sum = weights.reduce((a, b) => a + b, 0);
    return new Map(sharers.map((w, i) => [w, sum === 0 ? 1 / sharers.length : weights[i] / sum]));
}

function kubernetesArchitectures(w: Workload): readonly Architecture[] {
    return w.arch.kind === "fixed" ? w.arch.architectures : ARCHITECTURES;
}

async function kubernetesCost(w: Workload, nodeGroups: NodeGroupEstimate[], all: Workload[], head: Head,
    other: Architecture | undefined, offerFor: OfferFor, eksComponents: boolean): Promise<ServiceCost> {
    const kube = all.filter((x) => KUBERNETES_WORKLOAD_TYPES.includes(x.resource.type));
    const mine = nodeGroups.filter((g) => g.architecture !== undefined && kubernetesArchitectures(w).includes(g.architecture));
    if (mine.length === 0) {
        return { ...head, target: "eks", alternatives: [], basis: eksComponents
            ? "not priced: its nodes come from @pulumi/eks components, whose node groups the plan does not expand"
            : "not priced: no managed node group of this program runs its architecture" };
    }
    const unpriced = mine.find((g) => g.monthly === undefined);
    if (unpriced !== undefined) {
        return { ...head, target: "eks", alternatives: [], basis: `not priced: node group ${unpriced.nodeGroup}: ${unpriced.basis.replace(/^not priced: /, "")}` };
    }
    let monthly = 0;
    let alternativeMonthly: number | undefined = 0;
    for (const group of mine) {
        const sharers = kube.filter((x) => group.architecture !== undefined && kubernetesArchitectures(x).includes(group.architecture));
        const share = shares(sharers).get(w) ?? 0;
        const part = (group.monthly ?? 0) * share;
        monthly += part;
        group.unallocated = Math.max(0, group.unallocated - part);
        alternativeMonthly = group.siblingHour === undefined || alternativeMonthly === undefined ? undefined
            : alternativeMonthly + group.siblingHour * group.desiredSize * HOURS_PER_MONTH * share;
    }
    const groups = mine.map((g) => `${g.nodeGroup} (${g.desiredSize} × ${g.instanceType})`).join(", ");
    return {
        ...head, target: "eks", monthly,
        basis: `its share (by CPU requested, or by replicas when a workload requests none) of ${groups}`,
        alternatives: other === undefined || mine.length !== 1 ? [] : [alternative("eks", other, alternativeMonthly, monthly,
            alternativeMonthly === undefined ? { offered: false, why: `no ${other} sibling of ${mine[0].instanceType} priced in the catalog` }
                : await offerFor("eks", other))],
    };
}
