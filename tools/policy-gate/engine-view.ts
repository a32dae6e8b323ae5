/**
 * Properties as the engine marshals them for a policy pack (pulumi/pulumi
 * pkg/resource/plugin/analyzer_plugin.go: `MarshalOptions{KeepUnknowns: true, KeepSecrets: true,
 * SkipInternalKeys: true}` for Analyze/AnalyzeStack, `SkipInternalKeys: false` for Remediate, and
 * never KeepResources). Resource references become the referenced resource's id, or its URN for a
 * component (pkg/resource/plugin/rpc.go `MarshalPropertyValue`); the policy SDK cannot read the
 * reference form at all ("Unrecognized signature").
 */
import { SIG_KEY } from "../recording-monitor";

/** Pulumi's wire signature of a resource reference. */
export const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** A property map for the pack; `skipInternalKeys` drops top-level `__` keys (rpc.go: "Only skip top level internal keys"). */
export function propertiesForAnalyzer(properties: Record<string, unknown>, skipInternalKeys = true): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(properties)) {
        // resource.IsInternalPropertyKey: keys starting with "__" (e.g. __defaults).
        if (!(skipInternalKeys && key.startsWith("__"))) {
            out[key] = forAnalyzer(item);
        }
    }
    return out;
}

function forAnalyzer(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(forAnalyzer);
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === RESOURCE_REFERENCE_SIG) {
        // rpc.go: `if !ref.ID.IsNull() { marshal the ID }` (an unknown ID stays unknown), else the URN.
        return typeof record.id === "string" && record.id !== "" ? record.id : record.urn;
    }
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, forAnalyzer(item)]));
}
