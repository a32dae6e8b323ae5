/**
 * A deployed stack's state as the preview of an update sees it (`npm run plan -- --state FILE`):
 * each registration matched with the state's resource by URN, or by one of its aliases, as the
 * step generator matches it (pkg/resource/deploy/step_generator.go generateSteps: `olds[urn]`, then
 * each alias), and a step chosen without the provider's Diff, which the gate cannot call: inputs
 * equal to the state's are a `same`, anything else an `update`, no match a `create`; whatever the
 * program no longer registers is a `delete`.
 */
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL } from "./wire";
import { StateResource } from "./state-document";
import { generateUrn } from "./urn";

export type StepAction = "create" | "update" | "same" | "delete";

/** An alias as the SDK sends it (alias.proto): a URN, or a spec whose unset parts are the resource's own. */
export interface AliasSpec {
    urn?: string;
    name?: string;
    type?: string;
    stack?: string;
    project?: string;
    parentUrn?: string;
    noParent?: boolean;
}

/** The URNs a registration's aliases name (resource.go: an alias's unset fields take the resource's own values). */
export function aliasUrns(aliases: readonly AliasSpec[], own: { stack: string; project: string; type: string; name: string; parent: string }): string[] {
    return aliases.map((alias) => {
        if (alias.urn !== undefined && alias.urn !== "") {
            return alias.urn;
        }
        const parent = alias.noParent ? "" : alias.parentUrn || own.parent;
        return generateUrn(alias.stack || own.stack, alias.project || own.project, parent, alias.type || own.type, alias.name || own.name);
    });
}

/** Whether a value is, or holds, a secret (its ciphertext cannot be compared offline). */
function isSecret(value: unknown): boolean {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/**
 * Input equality as the gate can judge it: deep equality, where a secret on both sides counts as
 * equal (the state holds only its ciphertext), an unknown never equals anything, and a key the
 * provider's Check filled in (listed in the state's `__defaults`, an auto-name) counts as equal
 * when the program leaves it unset, as Check would fill it again from the old inputs.
 */
export function sameInputs(state: Record<string, unknown>, program: Record<string, unknown>): boolean {
    const defaults = new Set(Array.isArray(state.__defaults) ? state.__defaults as string[] : []);
    const keys = new Set([...Object.keys(state), ...Object.keys(program)].filter((key) => !key.startsWith("__")));
    for (const key of keys) {
        if (!(key in program) && defaults.has(key)) {
            continue;
        }
        if (!sameValue(state[key], program[key])) {
            return false;
        }
    }
    return true;
}

function sameValue(a: unknown, b: unknown): boolean {
    if (a === UNKNOWN_SENTINEL || b === UNKNOWN_SENTINEL) {
        return false;
    }
    if (isSecret(a) || isSecret(b)) {
        return isSecret(a) && isSecret(b);
    }
    if (Array.isArray(a) || Array.isArray(b)) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
    }
    if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
        const left = a as Record<string, unknown>;
        const right = b as Record<string, unknown>;
        const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
        return [...keys].every((key) => sameValue(left[key], right[key]));
    }
    return a === b || (a === undefined && b === null) || (a === null && b === undefined);
}

/** The deployed resources, matched as registrations arrive; what is left unmatched is deleted. */
export class PriorState {
    private readonly byUrn = new Map<string, StateResource>();
    private readonly matched = new Set<string>();

    constructor(private readonly resources: readonly StateResource[]) {
        for (const resource of resources) {
            // A resource pending deletion (a replaced one's old copy) is not what a registration updates.
            if (resource.delete !== true) {
                this.byUrn.set(resource.urn, resource);
            }
        }
    }

    /** The deployed resource a registration updates: the one at its URN, else the first at one of its aliases. */
    match(urn: string, aliases: readonly string[]): StateResource | undefined {
        for (const candidate of [urn, ...aliases]) {
            const found = this.byUrn.get(candidate);
            if (found !== undefined && !this.matched.has(candidate)) {
                this.matched.add(candidate);
                return found;
            }
        }
        return undefined;
    }

    /** What the program no longer registers, in state order: the deletes. */
    unmatched(): StateResource[] {
        return this.resources.filter((r) => r.delete !== true && !this.matched.has(r.urn));
    }
}
