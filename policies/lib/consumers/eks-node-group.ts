import { Architecture, EKS_CUSTOM_AMI_TYPE, amiTypeArchitecture, instanceTypeArchitecture } from "@polyarch/platform";
import { GraphResource } from "../images";
import { UNKNOWN, containsUnknown, rawProps, read } from "../props";
import { EKS_NODE_COMPONENT_TYPES, NodeShape, eksComponentNodes } from "./eks-components";
import { rememberedInputs } from "../component-inputs";

export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

/** What an EKS managed node group's AMI type and instance types say about its architecture. */
export type NodeGroupArchitecture =
    | { kind: "consistent"; architecture: Architecture; source: string }
    | { kind: "mixed"; amiType?: string; amiArchitecture?: Architecture; offenders: { instanceType: string; architecture: Architecture }[]; expected: Architecture }
    | { kind: "unknown"; source: string }
    /** An AMI type EKS does not have (a misspelling such as `AL2023_X86_64_STANDARD`): never consistent. */
    | { kind: "invalid-ami"; amiType: string };

/** Whether a resource type runs EKS nodes: aws.eks.NodeGroup, or an @pulumi/eks component that creates nodes. */
export function runsEksNodes(type: string): boolean {
    return type === EKS_NODE_GROUP || EKS_NODE_COMPONENT_TYPES.includes(type);
}

/**
 * The nodes a resource runs, from `props` (a resource's inputs or outputs; for an @pulumi/eks
 * component, its inputs); undefined when it runs none.
 */
export function nodeShape(type: string, props: Record<string, unknown>): NodeShape | undefined {
    if (type === EKS_NODE_GROUP) {
        return { amiType: read(props, "amiType"), instanceTypes: read(props, "instanceTypes") };
    }
    return EKS_NODE_COMPONENT_TYPES.includes(type) ? eksComponentNodes(type, props) : undefined;
}

/** What a node-running resource's AMI type and instance types say; undefined when it runs no nodes. */
export function nodeGroupArchitecture(resource: { type: string; props: Record<string, unknown> }): NodeGroupArchitecture | undefined {
    const shape = nodeShape(resource.type, rawProps(resource.props));
    return shape === undefined ? undefined : shapeArchitecture(shape);
}

function shapeArchitecture({ amiType, instanceTypes }: NodeShape): NodeGroupArchitecture {
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

/**
 * The architecture of a node group when it is consistent (for workloads without a selector). An
 * @pulumi/eks component is read from the inputs its Analyze saw (AnalyzeStack sends its outputs).
 */
export function consistentNodeGroupArchitecture(resource: GraphResource): Architecture | undefined {
    if (!runsEksNodes(resource.type)) {
        return undefined;
    }
    const props = resource.type === EKS_NODE_GROUP ? resource.props : rememberedInputs(resource);
    const result = props === undefined ? undefined : nodeGroupArchitecture({ type: resource.type, props });
    return result?.kind === "consistent" ? result.architecture : undefined;
}
