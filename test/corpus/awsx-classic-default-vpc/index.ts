// awsx.classic's components are ordinary (local) components: the gate runs them, and they look up
// the default VPC and its subnets with data sources.
import * as awsx from "@pulumi/awsx";
import * as dockerBuild from "@pulumi/docker-build";

const image = new dockerBuild.Image("api-image", {
    context: { location: "../ecs-default-vpc/app" },
    platforms: ["linux/arm64"],
    push: true,
    tags: ["123456789012.dkr.ecr.us-west-2.amazonaws.com/api:v1"],
});

const cluster = new awsx.classic.ecs.Cluster("cluster");
const balancer = new awsx.classic.lb.ApplicationLoadBalancer("api", { external: true, securityGroups: cluster.securityGroups });
const listener = balancer.createListener("http", { port: 80, external: true });

new awsx.classic.ecs.FargateService("api", {
    cluster,
    desiredCount: 2,
    taskDefinitionArgs: {
        container: { image: image.ref, cpu: 256, memory: 512, portMappings: [listener] },
    },
});

export const hostname = listener.endpoint.hostname;
