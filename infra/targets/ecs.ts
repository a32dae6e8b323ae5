import * as aws from "@pulumi/aws";
import { FARGATE_TASK_SIZES } from "@polyarch/platform";
import { EcsService } from "../../components/ecs";
import { ConfigError } from "../config-error";
import { checkSize } from "./sizes";
import { schema } from "./ecs-schema";
import { TargetModule } from "./target-module";

/** ECS on Fargate, either architecture; from an index, the task runs the service's `architecture`. */
export const ecsTarget: TargetModule<"ecs"> = {
    target: "ecs",
    schema,
    check(service, at, stack) {
        checkSize(FARGATE_TASK_SIZES, "Fargate", 256, service, at);
        if (service.public && stack.requireHttps && service.certificateArn === undefined) {
            throw new ConfigError(at("certificateArn"), "is required for a public service in a prod stack: its load balancer " +
                "serves HTTPS only; set an ACM certificate ARN for the service's domain, or set public: false");
        }
    },
    deploy({ service, image }, ctx) {
        const cluster = ctx.shared("ecs-cluster", () => new aws.ecs.Cluster("ecs", {
            settings: [{ name: "containerInsights", value: "enabled" }],
            tags: ctx.tags,
        }));
        const network = ctx.network();
        const ecs = new EcsService(service.name, {
            image,
            architecture: service.architecture,
            vpcId: network.vpcId,
            subnetIds: network.privateSubnetIds,
            loadBalancerSubnetIds: service.public ? network.publicSubnetIds : undefined,
            clusterArn: cluster.arn,
            cpu: service.cpu,
            memory: service.memory,
            port: service.port,
            desiredCount: service.desiredCount,
            certificateArn: service.certificateArn,
            requireHttps: ctx.settings.requireHttps,
            healthCheckPath: service.healthPath,
            environment: ctx.environmentOf(service),
            logRetentionDays: ctx.settings.logRetentionDays,
            tags: ctx.tags,
        });
        ctx.record({ service, image }, ecs.url ?? ecs.service.name, { architecture: ecs.architecture });
    },
};
