import { z } from "zod";
import { commonServiceKeys, healthPathSchema, portSchema } from "./service-schema";

/** The `polyarch:services` entry of target `ecs-express`: the common keys plus its own (strict). */
export const schema = z.object({
    ...commonServiceKeys,
    target: z.literal("ecs-express"),
    cpu: z.number().int().optional(),
    memory: z.number().int().optional(),
    port: portSchema.optional(),
    healthPath: healthPathSchema.optional(),
    /** Task count range for Express's scaling (default 1 to 4). */
    scaling: z.object({ min: z.number().int().min(0).max(1000), max: z.number().int().min(1).max(1000) }).strict().optional(),
    /**
     * Whether the service's HTTPS URL is reachable from the internet (default true): the service
     * runs in the stack VPC's public subnets, where Express makes its load balancer internet-facing;
     * false puts it in the private subnets behind an internal load balancer (reachable from the VPC).
     */
    public: z.boolean().optional(),
}).strict();
