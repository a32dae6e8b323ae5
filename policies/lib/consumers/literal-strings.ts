import { isUnknown } from "../props";

/** The literal strings among `values` (a reference unknown during a preview is left out). */
export function literalStrings(values: unknown[]): string[] {
    return values.filter((v): v is string => typeof v === "string" && !isUnknown(v));
}
