/**
 * AWS partitions, where polyarch builds a name that differs between them. Pure data, no Pulumi
 * imports (the config check reads it before anything runs).
 */

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

/** The partition of a region, by its documented prefix (AWS General Reference, "AWS partitions"). */
export function partitionOf(region: string): Partition {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/**
 * The VPC endpoint service name of an AWS service in a region: `com.amazonaws.<region>.<service>`
 * in the aws and aws-us-gov partitions. In aws-cn the prefix differs per service (some are
 * `cn.com.amazonaws.<region>.<service>`), and the AWS provider's `getVpcEndpointService` builds
 * the same `com.amazonaws.` name from `service` (terraform-provider-aws
 * internal/service/ec2/vpc_endpoint_service_data_source.go), so it cannot resolve them either:
 * undefined there, and the stack config refuses VPC endpoints in China's regions.
 */
export function vpcEndpointServiceName(region: string, service: string): string | undefined {
    return namesVpcEndpoints(partitionOf(region)) ? `com.amazonaws.${region}.${service}` : undefined;
}

/** Whether polyarch can name VPC endpoint services in a partition (see {@link vpcEndpointServiceName}). */
export function namesVpcEndpoints(partition: Partition): boolean {
    return partition !== "aws-cn";
}
