import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { vpcEndpointServiceName } from "./partitions";

const TYPE = "polyarch:network:PrivateEndpoints";

/**
 * What a task or node in a private subnet without NAT needs to start: ECR's API and registry, S3
 * (ECR serves image layers from it), CloudWatch Logs, and STS. EKS nodes also call EC2 and EKS
 * (to join and describe the cluster) and EKS Auth (Pod Identity).
 */
export const ECR_PULL_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs", "sts"] as const;
export const EKS_NODE_ENDPOINTS = ["ec2", "eks", "eks-auth"] as const;

export interface PrivateEndpointsArgs {
    vpcId: pulumi.Input<string>;
    /** VPC CIDR allowed to reach the interface endpoints on 443. */
    vpcCidrBlock: pulumi.Input<string>;
    /** Private subnets to place an interface endpoint network interface in (one per AZ). */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Route tables that get the S3 gateway endpoint (the private subnets' tables). */
    routeTableIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Add the endpoints EKS nodes need to join the cluster. Default false. */
    forEksNodes?: boolean;
    tags?: Record<string, pulumi.Input<string>>;
}

/**
 * VPC endpoints so workloads in private subnets pull images and ship logs without a NAT gateway:
 * interface endpoints with private DNS (the SDKs' default hostnames resolve to them) and the S3
 * gateway endpoint on the private route tables.
 */
export class PrivateEndpoints extends pulumi.ComponentResource {
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: PrivateEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        const region = aws.getRegionOutput({}, { parent: this }).region;
        // The stack config refuses this first (polyarch:network.vpcEndpoints); a direct use fails here.
        const endpointName = (service: string) => region.apply((regionName) => {
            const serviceName = vpcEndpointServiceName(regionName, service);
            if (serviceName === undefined) {
                throw new Error(`${TYPE} "${name}": VPC endpoint service names in ${regionName} differ per service; polyarch does not build them there`);
            }
            return serviceName;
        });
        const securityGroup = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
            vpcId: args.vpcId,
            description: `${name} VPC interface endpoints (HTTPS from the VPC)`,
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidrBlock] }],
            tags: args.tags,
        }, { parent: this });

        const services = [...ECR_PULL_ENDPOINTS, ...(args.forEksNodes ? EKS_NODE_ENDPOINTS : [])];
        for (const service of services) {
            new aws.ec2.VpcEndpoint(`${name}-${service.replace(/\./g, "-")}`, {
                vpcId: args.vpcId,
                serviceName: endpointName(service),
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: args.subnetIds,
                securityGroupIds: [securityGroup.id],
                tags: args.tags,
            }, { parent: this });
        }
        new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: args.vpcId,
            serviceName: endpointName("s3"),
            vpcEndpointType: "Gateway",
            routeTableIds: args.routeTableIds,
            tags: args.tags,
        }, { parent: this });

        this.securityGroupId = securityGroup.id;
        this.registerOutputs({ securityGroupId: this.securityGroupId });
    }
}
