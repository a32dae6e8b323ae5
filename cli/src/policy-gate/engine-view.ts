/**
 * Properties as the engine marshals them for a policy pack (pulumi/pulumi
 * pkg/resource/plugin/analyzer_plugin.go: `MarshalOptions{KeepUnknowns: true, KeepSecrets: true,
 * SkipInternalKeys: true}` for Analyze/AnalyzeStack, `SkipInternalKeys: false` for Remediate, and
 * never KeepResources). Resource references become the referenced resource's id, or its URN for a
 * component (pkg/resource/plugin/rpc.go `MarshalPropertyValue`); the policy SDK cannot read the
 * reference form at all ("Unrecognized signature").
 */
import { replaceSigned } from "../recording-monitor";

/** Pulumi's wire signature of a resource reference. */
export const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** A property map for the pack; `skipInternalKeys` drops top-level `__` keys (rpc.go: "Only skip top level internal keys"). */
export function propertiesForAnalyzer(properties: Record<string, unknown>, skipInternalKeys = true): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(properties)) {
        if (!(skipInternalKeys && isInternalPropertyKey(key))) {
            out[key] = forAnalyzer(item);
        }
    }
    return out;
}

/** resource.IsInternalPropertyKey: keys starting with "__" (e.g. __defaults). */
export function isInternalPropertyKey(key: string): boolean {
    return key.startsWith("__");
}

function forAnalyzer(value: unknown): unknown {
    // rpc.go: `if !ref.ID.IsNull() { marshal the ID }` (an unknown ID stays unknown), else the URN.
    return replaceSigned(value, RESOURCE_REFERENCE_SIG, (ref) => (typeof ref.id === "string" && ref.id !== "" ? ref.id : ref.urn));
}
