import { z } from "zod";
import { FARGATE_TASK_SIZES } from "../../components/compute-sizes";
import { EcsExpressService } from "../../components/ecs-express";
import { expressRunArchitecture } from "../../components/platform";
import { ConfigError } from "../config-error";
import { checkSize } from "./sizes";
import { commonServiceKeys, healthPathSchema, portSchema } from "./service-schema";
import { TargetModule } from "./target-module";

export const schema = z.object({
    ...commonServiceKeys,
    target: z.literal("ecs-express"),
    cpu: z.number().int().optional(),
    memory: z.number().int().optional(),
    port: portSchema.optional(),
    healthPath: healthPathSchema.optional(),
    /** Task count range for Express's scaling (default 1 to 4). */
    scaling: z.object({ min: z.number().int().min(0).max(1000), max: z.number().int().min(1).max(1000) }).strict().optional(),
}).strict();

/**
 * ECS Express Mode: App Runner's successor for new accounts. It has no architecture input; ECS runs
 * what the image is built for (the catalog's ECS_EXPRESS), so the architecture is the image's.
 */
export const ecsExpressTarget: TargetModule<"ecs-express"> = {
    target: "ecs-express",
    schema,
    // Not a choice: ECS decides from the image (declared X86_64 when the image has it, else detected).
    runsArchitecture: (architectures) => expressRunArchitecture(architectures),
    check(service, at) {
        checkSize(FARGATE_TASK_SIZES, "Fargate", 256, service, at);
        if (service.scaling !== undefined && service.scaling.min > service.scaling.max) {
            throw new ConfigError(at("scaling"), `got min ${service.scaling.min}, max ${service.scaling.max}; need min <= max`);
        }
    },
    deploy({ service, image }, ctx) {
        const express = new EcsExpressService(service.name, {
            image,
            cpu: service.cpu,
            memory: service.memory,
            port: service.port,
            healthCheckPath: service.healthPath,
            scaling: service.scaling && { minTasks: service.scaling.min, maxTasks: service.scaling.max },
            environment: ctx.environmentOf(service),
            logRetentionDays: ctx.settings.logRetentionDays,
            tags: ctx.tags,
        });
        ctx.record({ service, image }, express.url, { architecture: express.architecture });
    },
};
