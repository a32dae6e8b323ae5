import { HOURS_PER_MONTH } from "@polyarch/platform";
import { ServiceConfig } from "../../infra/config-schema";

/**
 * What a service's monthly cost depends on beyond what the program declares: how much it is used.
 * Set per service under `usage:` in `Pulumi.<stack>.yaml` (validated with the rest of the stack's
 * config: a bad value is exit 2 naming the key); the defaults below otherwise, shown in each
 * estimate's basis.
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

/** Each polyarch service's `usage`, by service name (the name of the component its resources sit under). */
export function usageByService(services: readonly ServiceConfig[]): Map<string, Partial<ServiceUsage>> {
    return new Map(services.flatMap((service) => ("usage" in service && service.usage !== undefined ? [[service.name, service.usage]] : [])));
}
