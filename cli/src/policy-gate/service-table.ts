import { Architecture, dockerPlatform } from "@polyarch/platform";
import { CONSUMERS, ComputeArchitectures, Consumer, componentApplies, nodeGroupArchitecture } from "polyarch-policies/dist/lib/consumers";
import { coversChild } from "polyarch-policies/dist/lib/component-inputs";
import { GraphResource, StackIndex, TracedImage } from "polyarch-policies/dist/lib/images";
import { RecordedResource } from "../recording-monitor";
import { ReportDiagnostic, ReportResource } from "./report-types";
import { StepAction } from "../engine/prior-state";

/** One line of the human table: a workload, the image it runs, and the verdict on the pair. */
export interface ServiceRow {
    service: string;
    /** The workload resource the row is for (the cost estimate's rows carry it too). */
    urn: string;
    target: string;
    imagePlatform: string;
    computeArchitecture: string;
    runsOn: string;
    verdict: "ok" | "advisory" | "mandatory";
    /** With `--state`: the step the preview is for the workload. */
    action?: StepAction;
}

/** Links the recorded registrations into a graph the policy library can trace. */
export function toGraph(recorded: RecordedResource[]): GraphResource[] {
    const byUrn = new Map<string, GraphResource>();
    const nodes = recorded.map((r) => {
        const node: GraphResource = { type: r.type, name: r.name, urn: r.urn, props: r.inputs, propertyDependencies: {} };
        byUrn.set(r.urn, node);
        return node;
    });
    recorded.forEach((r, i) => {
        nodes[i].parent = byUrn.get(r.parent);
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            nodes[i].propertyDependencies[key] = urns.map((u) => byUrn.get(u)).filter((n): n is GraphResource => n !== undefined);
        }
    });
    return nodes;
}

/** What the table says the compute runs; for a compute that follows its image, what it picks from it. */
function computeArchitecture(arch: ComputeArchitectures, images: TracedImage[], nodes: Architecture[]): string {
    switch (arch.kind) {
        case "fixed":
            return arch.architectures.join("+");
        case "unconstrained":
            return `any (${nodes.join("+") || "no node groups"})`;
        case "follows-image": {
            const chosen = images.map(({ platforms }) => platforms.kind === "known" || platforms.kind === "unsupported"
                ? arch.choose(platforms.architectures) ?? "none" : "unknown");
            return [...new Set(chosen)].join(", ") || "unknown";
        }
        default:
            return "unknown";
    }
}

/** The top-level component a resource belongs to (the service), or the resource itself. */
function serviceOf(resource: GraphResource): GraphResource {
    let current = resource;
    while (current.parent !== undefined && current.parent.type !== "pulumi:pulumi:Stack") {
        current = current.parent;
    }
    return current;
}

/** Whether a component above `resource` was judged for it (the pack's judgedByAncestor, on the recorded inputs). */
function judgedAbove(resource: GraphResource): boolean {
    for (let ancestor = resource.parent; ancestor !== undefined; ancestor = ancestor.parent) {
        if (coversChild(ancestor.type, resource.type) && componentApplies(ancestor)) {
            return true;
        }
    }
    return false;
}

/** A node group's or @pulumi/eks component's architecture when consistent, from the recorded inputs. */
function nodeArchitecture(resource: GraphResource): Architecture | undefined {
    const result = nodeGroupArchitecture(resource);
    return result?.kind === "consistent" ? result.architecture : undefined;
}

/** A resource that runs images, as the table and the cost estimate both read it. */
export interface Workload {
    resource: GraphResource;
    consumer: Consumer;
    arch: ComputeArchitectures;
    /** The top-level component it sits under (the service), or itself. */
    service: string;
    images: TracedImage[];
}

/** The recorded program as a graph, its index, and its workloads: built once for the table and the cost estimate. */
export interface StackWorkloads {
    recorded: RecordedResource[];
    graph: GraphResource[];
    index: StackIndex;
    workloads: Workload[];
}

export function stackWorkloads(recorded: RecordedResource[]): StackWorkloads {
    const graph = toGraph(recorded);
    const index = new StackIndex(graph, nodeArchitecture);
    const workloads: Workload[] = [];
    for (const resource of graph) {
        const consumer = CONSUMERS.get(resource.type);
        if (consumer === undefined || judgedAbove(resource)) {
            continue;
        }
        const arch = consumer.architectures(resource.props);
        if (arch.kind === "not-applicable") {
            continue;
        }
        workloads.push({ resource, consumer, arch, service: serviceOf(resource).name, images: index.imagesBehind(resource, consumer.imageInputs) });
    }
    return { recorded, graph, index, workloads };
}

export function serviceRows(stack: StackWorkloads, diagnostics: ReportDiagnostic[]): ServiceRow[] {
    const recordedByUrn = new Map(stack.recorded.map((r) => [r.urn, r]));
    const worst = new Map<string, ServiceRow["verdict"]>();
    for (const d of diagnostics) {
        const level = d.level === "mandatory" ? "mandatory" : d.level === "advisory" ? "advisory" : undefined;
        if (level && worst.get(d.urn) !== "mandatory") {
            worst.set(d.urn, level);
        }
    }
    const nodes = [...stack.index.nodeGroupArchitectures];
    return stack.workloads.map(({ resource, consumer, arch, service, images }) => {
        const platforms = images.map(({ platforms: p }) => (p.kind === "known" ? p.platforms.join("+") : p.kind)).join(", ") || "untraced";
        const action = recordedByUrn.get(resource.urn)?.action;
        return {
            service,
            urn: resource.urn,
            target: consumer.noun,
            imagePlatform: platforms,
            computeArchitecture: computeArchitecture(arch, images, nodes),
            runsOn: consumer.runsOn ?? `EKS nodes ${nodes.map((a: Architecture) => dockerPlatform(a)).join(", ") || "(none in stack)"}`,
            verdict: worst.get(resource.urn) ?? "ok",
            ...(action === undefined ? {} : { action }),
        };
    });
}

/** The workloads a preview deletes (`--state`): what the program no longer registers, nothing left to judge. */
export function deletedRows(deleted: readonly ReportResource[]): ServiceRow[] {
    return deleted.flatMap((r) => {
        const consumer = CONSUMERS.get(r.type);
        return consumer === undefined ? [] : [{
            service: r.name, urn: r.urn, target: consumer.noun, imagePlatform: "-", computeArchitecture: "-", runsOn: consumer.runsOn ?? "EKS nodes",
            verdict: "ok" as const, action: "delete" as const,
        }];
    });
}
