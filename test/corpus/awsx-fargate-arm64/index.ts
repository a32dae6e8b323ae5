// awsx 3's components are multi-language: their provider creates the task definition and service.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";

const repository = new awsx.ecr.Repository("app", { forceDelete: true });
// Built on a Graviton laptop or runner: an arm64 image.
const image = new awsx.ecr.Image("app-image", {
    repositoryUrl: repository.url,
    context: "./app",
    platform: "linux/arm64",
});

const cluster = new aws.ecs.Cluster("cluster");
const service = new awsx.ecs.FargateService("web", {
    cluster: cluster.arn,
    assignPublicIp: true,
    taskDefinitionArgs: {
        runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
        container: {
            name: "web",
            image: image.imageUri,
            cpu: 256,
            memory: 512,
            essential: true,
            portMappings: [{ containerPort: 80 }],
        },
    },
});

export const serviceName = service.service.name;
