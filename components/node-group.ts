import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { refuse } from "./errors";
import { assumeRolePolicy } from "./iam";
import {
    ARCHITECTURES, Architecture, DEFAULT_INSTANCE_TYPES, EKS_CUSTOM_AMI_TYPE, amiTypeArchitecture, describeChoices, instanceTypeArchitecture,
    isArchitecture, nodeGroupAmiType,
} from "./platform";

const TYPE = "polyarch:eks:NodeGroup";

/** The only managed policies a worker node needs: kubelet, VPC CNI, and image pulls. */
export const NODE_MANAGED_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"] as const;

export interface NodeGroupArgs {
    /** Name of the EKS cluster to join. */
    clusterName: pulumi.Input<string>;
    /** Architecture of every node; AMI type and instance types are checked against it. */
    architecture: Architecture;
    /** Subnets for the nodes (private). */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Instance types; default from the catalog for the architecture (Graviton m7g/m6g for arm64). */
    instanceTypes?: string[];
    /** EKS AMI type (the EKS API's spelling); default AL2023 for the architecture. `CUSTOM` needs a launch template. */
    amiType?: string;
    /** OS family for the default AMI type. Default `al2023`. */
    os?: "al2023" | "bottlerocket";
    /** A launch template; when it hides the AMI, instance types alone decide the architecture. */
    launchTemplate?: { id: pulumi.Input<string>; version: pulumi.Input<string> };
    /** Node count bounds. Default 1/1/2. */
    scaling?: { min: number; desired: number; max: number };
    /** ON_DEMAND or SPOT. Default ON_DEMAND. */
    capacityType?: "ON_DEMAND" | "SPOT";
    /** Extra node labels (`kubernetes.io/arch` is set by the kubelet itself). */
    labels?: Record<string, string>;
    /** Tags for every resource. */
    tags?: Record<string, pulumi.Input<string>>;
}

/**
 * An EKS managed node group whose AMI type and every instance type agree on one architecture, as
 * the catalog says. Refuses `AL2023_ARM_64_STANDARD` with `m5.large` before anything is created.
 */
export class NodeGroup extends pulumi.ComponentResource {
    public readonly nodeGroup: aws.eks.NodeGroup;
    public readonly architecture: Architecture;
    public readonly amiType: string | undefined;
    public readonly instanceTypes: string[];
    public readonly nodeRoleArn: pulumi.Output<string>;

    constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        const { amiType, instanceTypes, scaling } = validate(name, args);
        super(TYPE, name, {}, opts);
        const arch = args.architecture;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;

        const role = new aws.iam.Role(`${name}-node-role`, {
            assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });
        const attachments = NODE_MANAGED_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-${policy}`, {
            role: role.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
        }, { parent: this }));

        // amiType, instanceTypes, capacityType, subnetIds and launchTemplate.id are ForceNew
        // (terraform-provider-aws `internal/service/eks/node_group.go` resourceNodeGroup schema): a
        // change replaces the group. nodeGroupName is left to Pulumi's autonaming (pulumi-aws
        // `provider/resources.go`: AutoName("nodeGroupName")), so the replacement is created, and ACTIVE,
        // before the old group is deleted and drained; a fixed name would fail the create with
        // "already exists". Labels, taints, scaling and updateConfig update in place.
        this.nodeGroup = new aws.eks.NodeGroup(`${name}-nodes`, {
            clusterName: args.clusterName,
            nodeRoleArn: role.arn,
            subnetIds: args.subnetIds,
            amiType,
            instanceTypes,
            capacityType: args.capacityType ?? "ON_DEMAND",
            launchTemplate: args.launchTemplate,
            scalingConfig: { minSize: scaling.min, desiredSize: scaling.desired, maxSize: scaling.max },
            updateConfig: { maxUnavailable: 1 },
            labels: args.labels,
            tags: args.tags,
        }, { parent: this, dependsOn: attachments, ignoreChanges: ["scalingConfig.desiredSize"] });

        this.architecture = arch;
        this.amiType = amiType;
        this.instanceTypes = instanceTypes;
        this.nodeRoleArn = role.arn;
        this.registerOutputs({ architecture: arch, amiType, instanceTypes, nodeGroupName: this.nodeGroup.nodeGroupName });
    }
}

function validate(name: string, args: NodeGroupArgs) {
    if (!isArchitecture(args.architecture)) {
        throw refuse(TYPE, name, "architecture", `got '${String(args.architecture)}'; use ${describeChoices(ARCHITECTURES)}`);
    }
    const arch = args.architecture;
    // A launch template that hides the AMI leaves only the instance types to decide the architecture.
    const amiType = args.amiType ?? (args.launchTemplate ? undefined : nodeGroupAmiType(arch, args.os));
    if (amiType === EKS_CUSTOM_AMI_TYPE) {
        // EKS requires a launch template for CUSTOM; the template's AMI is invisible here, so the
        // instance types alone decide the architecture (checked below).
        if (!args.launchTemplate) {
            throw refuse(TYPE, name, "amiType", `'${EKS_CUSTOM_AMI_TYPE}' needs a launchTemplate whose AMI boots ${arch}; ` +
                `set launchTemplate, or use '${nodeGroupAmiType(arch)}'`);
        }
    } else if (amiType !== undefined) {
        const amiArch = amiTypeArchitecture(amiType);
        if (amiArch === undefined) {
            throw refuse(TYPE, name, "amiType", `'${amiType}' is not an EKS AMI type; use ` +
                `'${nodeGroupAmiType(arch)}' or '${nodeGroupAmiType(arch, "bottlerocket")}' for ${arch} ` +
                "(EKS spells ARM_64 upper-case and x86_64 lower-case)");
        }
        if (amiArch !== arch) {
            throw refuse(TYPE, name, "amiType", `'${amiType}' boots ${amiArch} but the node group is ${arch}; ` +
                `use '${nodeGroupAmiType(arch)}'`);
        }
    }
    const instanceTypes = args.instanceTypes ?? [...DEFAULT_INSTANCE_TYPES[arch]];
    if (instanceTypes.length === 0) {
        throw refuse(TYPE, name, "instanceTypes", `is empty; list at least one ${arch} instance type, e.g. '${DEFAULT_INSTANCE_TYPES[arch][0]}'`);
    }
    instanceTypes.forEach((instanceType, index) => {
        const instanceArch = instanceTypeArchitecture(instanceType);
        if (instanceArch === undefined) {
            throw refuse(TYPE, name, `instanceTypes[${index}]`, `'${instanceType}' is not an EC2 instance type (family.size)`);
        }
        if (instanceArch !== arch) {
            const ami = amiType ? `AMI type '${amiType}' (${arch})` : `the node group's ${arch}`;
            throw refuse(TYPE, name, `instanceTypes[${index}]`, `'${instanceType}' is ${instanceArch} but ${ami} needs ` +
                `${arch} instances, e.g. '${DEFAULT_INSTANCE_TYPES[arch][0]}'`);
        }
    });
    const scaling = args.scaling ?? { min: 1, desired: 1, max: 2 };
    if (!(scaling.min >= 0 && scaling.min <= scaling.desired && scaling.desired <= scaling.max && scaling.max >= 1)) {
        throw refuse(TYPE, name, "scaling", `got min ${scaling.min}, desired ${scaling.desired}, max ${scaling.max}; ` +
            "need 0 <= min <= desired <= max and max >= 1");
    }
    return { amiType, instanceTypes, scaling };
}
