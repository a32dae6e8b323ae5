import { z } from "zod";
import { HOURS_PER_MONTH } from "@polyarch/platform";
import { commonServiceKeys, healthPathSchema, portSchema } from "./service-schema";

/** The `polyarch:services` entry of target `apprunner`: the common keys plus its own (strict). */
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
