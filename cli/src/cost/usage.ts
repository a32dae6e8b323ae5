import { HOURS_PER_MONTH } from "@polyarch/platform";
import { z } from "zod";
import { InputError } from "../input-error";

/**
 * What a service's monthly cost depends on beyond what the program declares: how much it is used.
 * Set per service under `polyarch:services[].usage` in `Pulumi.<stack>.yaml` (polyarch's own
 * program validates it with the rest of its config; any other project may set the same key); the
 * defaults below otherwise, shown in each estimate's basis.
 */
export interface ServiceUsage {
    /** Lambda: invocations a month. */
    requestsPerMonth: number;
    /** Lambda: average billed duration of one invocation, in ms. */
    averageDurationMs: number;
    /** App Runner: hours a month an instance is active (serving requests); idle hours pay memory only. */
    activeHoursPerMonth: number;
}

/** The documented defaults (README "What arm64 saves"): a modest API, and App Runner always busy. */
export const USAGE_DEFAULTS: Readonly<ServiceUsage> = {
    requestsPerMonth: 1_000_000,
    averageDurationMs: 200,
    activeHoursPerMonth: HOURS_PER_MONTH,
};

/** A service's usage: what its config sets, the defaults for the rest, and which keys were defaulted. */
export interface ResolvedUsage extends ServiceUsage {
    defaulted: ReadonlySet<keyof ServiceUsage>;
}

export function resolveUsage(set: Partial<ServiceUsage> | undefined): ResolvedUsage {
    const defaulted = new Set((Object.keys(USAGE_DEFAULTS) as (keyof ServiceUsage)[]).filter((key) => set?.[key] === undefined));
    return { ...USAGE_DEFAULTS, ...Object.fromEntries(Object.entries(set ?? {}).filter(([, v]) => v !== undefined)), defaulted };
}

const count = z.number().finite().nonnegative();
/** What the estimate reads of `polyarch:services`: each entry's name and usage, the rest left to the program. */
const SERVICES = z.array(z.object({
    name: z.string(),
    usage: z.object({ requestsPerMonth: count.optional(), averageDurationMs: count.optional(), activeHoursPerMonth: count.max(HOURS_PER_MONTH).optional() })
        .passthrough().optional(),
}).passthrough());

/**
 * Each service's `usage`, by service name (the name of the component its resources sit under),
 * from the stack's `polyarch:services` config; none when the key is not set. A value the estimate
 * cannot use is exit 2 naming the key.
 */
export function usageFromStackConfig(config: Readonly<Record<string, unknown>>): Map<string, Partial<ServiceUsage>> {
    const raw = config["polyarch:services"];
    if (raw === undefined) {
        return new Map();
    }
    const parsed = SERVICES.safeParse(typeof raw === "string" ? parseJson(raw) : raw);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue.path.map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`)).join("");
        throw new InputError(`polyarch:services${where}`, `${issue.message}; usage takes numbers of 0 or more (activeHoursPerMonth at most ${HOURS_PER_MONTH})`);
    }
    return new Map(parsed.data.flatMap((service) => (service.usage === undefined ? [] : [[service.name, service.usage]])));
}

/** A structured value set with `pulumi config set --path` arrives as JSON text. */
function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
