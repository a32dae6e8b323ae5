import { EKS_COMPONENT_DEFAULT_INSTANCE_TYPE, EKS_CUSTOM_AMI_TYPE } from "@polyarch/platform";
import { UNKNOWN, read } from "../props";

/**
 * @pulumi/eks 4's node-running components (multi-language: their provider creates the
 * aws.eks.NodeGroup, or the launch template and Auto Scaling group of self-managed nodes). Each is
 * read as the AMI type and instance types the nodes it creates will have (pulumi-eks
 * nodejs/eks/nodes/nodegroup.ts, cluster/cluster.ts):
 * - ManagedNodeGroup passes `amiType` and `instanceTypes` to aws.eks.NodeGroup; with no amiType
 *   and an `operatingSystem` it derives the AMI type from the instance types' architecture.
 * - NodeGroup and NodeGroupV2 (self-managed) run one `instanceType` (t3.medium when unset) with
 *   `amiType`'s AMI, an explicit `amiId` (architecture unknowable: the instance type decides), or
 *   the recommended AMI for the instance type's architecture.
 * - Cluster runs such a default node group from `nodeGroupOptions` or its own `instanceType`,
 *   `nodeAmiId` and `gpu`, unless `skipDefaultNodeGroup`, `fargate` or Auto Mode is set.
 */
export const EKS_MANAGED_NODE_GROUP_COMPONENT = "eks:index:ManagedNodeGroup";
export const EKS_SELF_MANAGED_NODE_GROUP_COMPONENTS = ["eks:index:NodeGroup", "eks:index:NodeGroupV2"] as const;
export const EKS_CLUSTER_COMPONENT = "eks:index:Cluster";
export const EKS_NODE_COMPONENT_TYPES: readonly string[] =
    [EKS_MANAGED_NODE_GROUP_COMPONENT, ...EKS_SELF_MANAGED_NODE_GROUP_COMPONENTS, EKS_CLUSTER_COMPONENT];

/** The AMI type and instance types of the nodes a component creates, in aws.eks.NodeGroup's shape. */
export type NodeShape = { amiType: unknown; instanceTypes: unknown };

function selfManaged(options: Record<string, unknown>, amiIdKey: string): NodeShape {
    const instanceType = read(options, "instanceType");
    const amiId = read(options, amiIdKey);
    return {
        amiType: amiId !== undefined && amiId !== null && amiId !== "" ? EKS_CUSTOM_AMI_TYPE : read(options, "amiType"),
        // nodegroup.ts: `args.instanceType || DEFAULT_INSTANCE_TYPE`, so an empty string is the default too.
        instanceTypes: instanceType === UNKNOWN ? UNKNOWN : [instanceType || EKS_COMPONENT_DEFAULT_INSTANCE_TYPE],
    };
}

/** The nodes an @pulumi/eks component's inputs create; undefined when it creates none (a cluster without its default node group). */
export function eksComponentNodes(type: string, props: Record<string, unknown>): NodeShape | undefined {
    if (type === EKS_MANAGED_NODE_GROUP_COMPONENT) {
        return { amiType: read(props, "amiType"), instanceTypes: read(props, "instanceTypes") };
    }
    if ((EKS_SELF_MANAGED_NODE_GROUP_COMPONENTS as readonly string[]).includes(type)) {
        return selfManaged(props, "amiId");
    }
    if (type === EKS_CLUSTER_COMPONENT) {
        const skipped = [read(props, "skipDefaultNodeGroup"), read(props, "fargate"), read(props, "autoMode", "enabled")];
        if (skipped.some((value) => value !== undefined && value !== null && value !== false)) {
            return undefined;
        }
        const options = read(props, "nodeGroupOptions");
        return options !== undefined && options !== null && typeof options === "object"
            ? selfManaged(options as Record<string, unknown>, "amiId")
            : selfManaged(props, "nodeAmiId");
    }
    return undefined;
}
