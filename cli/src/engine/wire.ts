/**
 * Pulumi's property values on the wire and in state: the signature objects that mark a secret
 * (and, elsewhere, resource references and assets), and the sentinel of an unknown value. A leaf
 * module: the monitor, the state reader and the audit all read values this way.
 */

/** Pulumi's wire signature for a secret value, and the key that carries it. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Pulumi's wire sentinel for a value (or id) not known until the resource is created. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** What a secret is redacted to (the engine's blinding provider, config.BlindingCrypter). */
export const REDACTED = "[secret]";

/**
 * A copy of a wire value (arrays and objects copied, other values as they are) in which every
 * object that carries the signature `sig` (a secret, a resource reference) is `replace(it)`.
 */
export function replaceSigned(value: unknown, sig: string, replace: (signed: Record<string, unknown>) => unknown): unknown {
    if (Array.isArray(value)) {
        return value.map((item) => replaceSigned(item, sig, replace));
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === sig) {
            return replace(record);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, replaceSigned(v, sig, replace)]));
    }
    return value;
}

/**
 * A property value from a state file as the engine hands it on when it cannot decrypt: every
 * secret (ciphertext, or plaintext from `--show-secrets`) a secret whose value is "[secret]".
 */
export function redactStateSecrets(value: unknown): unknown {
    return replaceSigned(value, SECRET_SIG, () => ({ [SIG_KEY]: SECRET_SIG, value: REDACTED }));
}
