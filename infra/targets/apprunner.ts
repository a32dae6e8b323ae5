import { z } from "zod";
import { AppRunnerService } from "../../components/apprunner";
import { APPRUNNER_INSTANCE_SIZES } from "../../components/compute-sizes";
import { HOURS_PER_MONTH } from "../../components/prices";
import { checkSize } from "./sizes";
import { commonServiceKeys, healthPathSchema, portSchema } from "./service-schema";
import { TargetModule } from "./target-module";

export const schema = z.object({
    ...commonServiceKeys,
    target: z.literal("apprunner"),
    /** CPU units; with memory, one of App Runner's pairs (checked against the size table). */
    cpu: z.number().int().optional(),
    memory: z.number().int().optional(),
    port: portSchema.optional(),
    healthPath: healthPathSchema.optional(),
    /**
     * What the plan's cost estimate assumes (README "What arm64 saves"): the hours a month an instance
     * serves requests; App Runner bills idle provisioned instances for memory only.
     */
    usage: z.object({ activeHoursPerMonth: z.number().min(0).max(HOURS_PER_MONTH).optional() }).strict().optional(),
}).strict();

/** App Runner (x86_64 only; closed to new customers since 2026-04-30, kept for existing ones). */
export const appRunnerTarget: TargetModule<"apprunner"> = {
    target: "apprunner",
    schema,
    check(service, at) {
        checkSize(APPRUNNER_INSTANCE_SIZES, "App Runner", 1024, service, at);
    },
    deploy({ service, image }, ctx) {
        const app = new AppRunnerService(service.name, {
            image,
            cpu: service.cpu,
            memory: service.memory,
            port: service.port,
            healthCheckPath: service.healthPath,
            environment: ctx.environmentOf(service),
            tags: ctx.tags,
        });
        ctx.record({ service, image }, app.serviceUrl, { architecture: app.architecture });
    },
    notices(services) {
        return services.map((service) => `service '${service.name}' targets App Runner, which has been closed to new customers ` +
            "since 2026-04-30: it deploys only in accounts that already use App Runner. New accounts: change its target to 'ecs' " +
            "(Fargate, either architecture) or 'ecs-express' as the README's \"Moving off App Runner\" shows");
    },
};
