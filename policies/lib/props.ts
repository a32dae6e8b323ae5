/**
 * Safe reads of resource properties. @pulumi/policy hands rules a proxy that throws
 * UnknownValueError when a rule touches a value unknown during preview, and the server turns that
 * throw into an *advisory* diagnostic, silently weakening a mandatory rule. Rules here read the
 * proxy's raw target instead, where unknowns are sentinel strings, and decide themselves.
 */

/**
 * @pulumi/policy's own sentinels for values not known during preview. They are exported from its
 * proxy module but marked internal (absent from the typings), so they are read, not copied.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policyProxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
const UNKNOWN_SENTINELS = new Set(
    ["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue",
        "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"].map((key) => {
        const sentinel = policyProxy[key];
        if (typeof sentinel !== "string") {
            throw new Error(`@pulumi/policy no longer exports ${key}; update policies/lib/props.ts`);
        }
        return sentinel;
    }));

/** A value that cannot be known until the update runs. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

/** The key @pulumi/policy's proxy answers with its unproxied target. */
const PROXY_TARGET = String(policyProxy.getSpecialProxyTarget ?? "__getSpecialProxyTarget");

export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** The raw property bag behind @pulumi/policy's unknown-checking proxy (or the bag itself). */
export function rawProps(props: unknown): Record<string, unknown> {
    if (props === null || typeof props !== "object") {
        return {};
    }
    const target = (props as Record<string, unknown>)[PROXY_TARGET];
    return (target && typeof target === "object" ? target : props) as Record<string, unknown>;
}

/** Reads `path` from raw props: the value, UNKNOWN if any step is unknown, undefined if absent. */
export function read(props: Record<string, unknown>, ...path: (string | number)[]): unknown {
    let current: unknown = props;
    for (const step of path) {
        if (isUnknown(current)) {
            return UNKNOWN;
        }
        if (current === null || typeof current !== "object") {
            return undefined;
        }
        current = (current as Record<string | number, unknown>)[step];
    }
    return isUnknown(current) ? UNKNOWN : current;
}

/** Whether any value inside is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}
