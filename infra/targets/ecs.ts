import * as aws from "@pulumi/aws";
import { z } from "zod";
import { FARGATE_TASK_SIZES } from "../../components/compute-sizes";
import { EcsService } from "../../components/ecs";
import { ConfigError } from "../config-error";
import { checkSize } from "./sizes";
import { commonServiceKeys, healthPathSchema, portSchema } from "./service-schema";
import { TargetModule } from "./target-module";

/** An ACM certificate ARN, in any partition. */
const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

export const schema = z.object({
    ...commonServiceKeys,
    target: z.literal("ecs"),
    cpu: z.number().int().optional(),
    memory: z.number().int().optional(),
    port: portSchema.optional(),
    desiredCount: z.number().int().min(0).max(100).optional(),
    healthPath: healthPathSchema.optional(),
    public: z.boolean().optional(),
    /** ACM certificate for the public load balancer's HTTPS listener (required for a public prod service). */
    certificateArn: z.string().regex(ACM_CERTIFICATE_ARN, { message: "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)" }).optional(),
}).strict();

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
