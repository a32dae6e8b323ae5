/**
 * URNs as the Pulumi engine builds them, so the gate's graph has the engine's identities.
 * Mirrors pulumi/pulumi pkg/resource/deploy/deployment.go `(*Deployment).generateURN` and
 * sdk/go/common/resource/urn.go `NewURN`: the type is qualified by the parent's *whole* qualified
 * type chain, and the root Stack is left out of it.
 */

/** The type of the root resource every program runs in (tokens.RootStackType). */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The qualified type of a URN: `parent$parent$type` (the third `::` segment). */
export function qualifiedType(urn: string): string {
    return urn.split("::")[2] ?? "";
}

export function generateUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    const parentType = parent !== "" && qualifiedType(parent) !== ROOT_STACK_TYPE ? `${qualifiedType(parent)}$` : "";
    return `urn:pulumi:${stack}::${project}::${parentType}${type}::${name}`;
}

/** sdk/go/common/diag/errors.go `GetDuplicateResourceURNError` (code 2001), word for word. */
export function duplicateUrnMessage(urn: string): string {
    return `Duplicate resource URN '${urn}'; try giving it a unique name`;
}

/** The engine refused the program (what `pulumi preview` prints as an error and exits non-zero for). */
export class EngineError extends Error {}
