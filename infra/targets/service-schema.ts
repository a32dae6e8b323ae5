import { z } from "zod";
import { ARCHITECTURES } from "../../components/platform";

/**
 * The keys every `polyarch:services` entry has, whatever its target, and the value shapes the
 * target modules share. Each target module adds its own keys to {@link commonServiceKeys}.
 */

/** Lowercase, starts with a letter, DNS label and ECR safe; short enough for derived AWS names. */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

export const architectureSchema = z.enum(ARCHITECTURES as [string, ...string[]]);
export const portSchema = z.number().int().min(1).max(65535);
export const healthPathSchema = z.string().regex(/^\/[\x21-\x7e]*$/, { message: "must be an absolute HTTP path such as /healthz" });

export const commonServiceKeys = {
    name: z.string().regex(SERVICE_NAME_PATTERN, {
        message: "must be 2-32 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-' (ECR and DNS safe)",
    }),
    context: z.string().min(1),
    dockerfile: z.string().min(1).optional(),
    /** The architecture it runs (for an index: the one a single-architecture compute runs). */
    architecture: architectureSchema.optional(),
    /** Build an image index of these platforms (at least one); the targets that run only one refuse more. */
    architectures: z.array(architectureSchema).min(1, { message: "must list at least one architecture" }).optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be a valid environment variable name" }), z.string()).optional(),
};
