import { z } from "zod";
import { LAMBDA_LIMITS, LAMBDA_MANAGED_INSTANCES_LIMITS } from "../../components/lambda";
import { commonServiceKeys } from "./service-schema";

/** The `polyarch:services` entry of target `lambda`: the common keys plus its own (strict). */
export const schema = z.object({
    ...commonServiceKeys,
    target: z.literal("lambda"),
    /** MB: 128–10240; with `capacityProvider` 2048–32768 (default 2048), checked in `check`. */
    memory: z.number().int().min(LAMBDA_LIMITS.minMemoryMb).max(LAMBDA_MANAGED_INSTANCES_LIMITS.maxMemoryMb).optional(),
    timeout: z.number().int().min(LAMBDA_LIMITS.minTimeoutSeconds).max(LAMBDA_LIMITS.maxTimeoutSeconds).optional(),
    reservedConcurrency: z.number().int().min(0).optional(),
    tracing: z.boolean().optional(),
    /**
     * Run on Lambda Managed Instances: a capacity provider of the service's architecture in the
     * stack's private subnets, with these instance types (default the catalog's for the architecture).
     */
    capacityProvider: z.object({ instanceTypes: z.array(z.string()).min(1).optional() }).strict().optional(),
    /** What the plan's cost estimate assumes (README "What arm64 saves"); nothing is deployed from it. */
    usage: z.object({
        requestsPerMonth: z.number().int().min(0).max(1e12).optional(),
        averageDurationMs: z.number().positive().max(LAMBDA_LIMITS.maxTimeoutSeconds * 1000).optional(),
    }).strict().optional(),
}).strict();
