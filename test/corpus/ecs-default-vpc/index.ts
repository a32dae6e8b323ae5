// An ECS service written by hand, in the default VPC found with data sources (getVpc, getSubnets)
// and a role policy built with getPolicyDocument, as many programs are.
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";

const vpc = aws.ec2.getVpcOutput({ default: true });
const subnets = aws.ec2.getSubnetsOutput({ filters: [{ name: "vpc-id", values: [vpc.id] }] });
const firstSubnet = aws.ec2.getSubnetOutput({ id: subnets.ids[0] });

const assumeByTasks = aws.iam.getPolicyDocumentOutput({
    statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }] }],
});
const execution = new aws.iam.Role("execution", { assumeRolePolicy: assumeByTasks.json });
new aws.iam.RolePolicyAttachment("execution", {
    role: execution.name,
    policyArn: aws.iam.ManagedPolicy.AmazonECSTaskExecutionRolePolicy,
});

const repository = new aws.ecr.Repository("web", {
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: "KMS" }],
});
const image = new dockerBuild.Image("web-image", {
    context: { location: "./app" },
    platforms: ["linux/arm64"],
    push: true,
    tags: [pulumi.interpolate`${repository.repositoryUrl}:v1`],
});

const group = new aws.ec2.SecurityGroup("web", {
    vpcId: vpc.id,
    ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});
const cluster = new aws.ecs.Cluster("cluster");
const task = new aws.ecs.TaskDefinition("web", {
    family: "web",
    cpu: "256",
    memory: "512",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    executionRoleArn: execution.arn,
    runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
    containerDefinitions: pulumi.jsonStringify([{ name: "web", image: image.ref, essential: true, portMappings: [{ containerPort: 80 }] }]),
});
new aws.ecs.Service("web", {
    cluster: cluster.arn,
    taskDefinition: task.arn,
    desiredCount: 2,
    launchType: "FARGATE",
    networkConfiguration: { subnets: subnets.ids, securityGroups: [group.id], assignPublicIp: true },
});

export const zone = firstSubnet.availabilityZone;
