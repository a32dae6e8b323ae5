import { z } from "zod";
import { commonServiceKeys, healthPathSchema, portSchema } from "./service-schema";

/** An ACM certificate ARN, in any partition. */
const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

/** The `polyarch:services` entry of target `ecs`: the common keys plus its own (strict). */
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
