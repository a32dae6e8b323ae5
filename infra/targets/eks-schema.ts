import { z } from "zod";
import { commonServiceKeys, healthPathSchema, portSchema } from "./service-schema";

/** The `polyarch:services` entry of target `eks`: the common keys plus its own (strict). */
export const schema = z.object({
    ...commonServiceKeys,
    target: z.literal("eks"),
    replicas: z.number().int().min(0).max(100).optional(),
    port: portSchema.optional(),
    cpu: z.number().min(0.05).max(64).optional(),
    memory: z.number().int().min(32).max(262144).optional(),
    healthPath: healthPathSchema.optional(),
}).strict();
