import { Architecture, EKS_CUSTOM_AMI_TYPE, amiTypeArchitecture, instanceTypeArchitecture } from "../platform";
import { GraphResource } from "../images";
import { UNKNOWN, containsUnknown, rawProps, read } from "../props";

export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

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
