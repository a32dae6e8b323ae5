/**
 * Registry lookups for the registry rules: which registries are checked, with what credentials,
 * at which endpoint; a cache per reference (one lookup per digest per run, shared by both rules)
 * and a bound on concurrent lookups and on each lookup's time.
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { ImageReference, apiHost } from "./oci-reference";
import { Credentials, LookupFailure, RegistryImage, RegistryLookupError, fetchRegistryImage } from "./registry-client";

/** Policy config shared by `image-platform-matches-registry` and `image-platform-readable-from-registry`. */
export interface RegistryConfig {
    /** Registry host → API base URL (tests point ECR hosts at a local registry). */
    registryEndpoints?: Record<string, string>;
    /** Registry host → credentials; the password (and optionally the username) come from environment variables. */
    registryCredentials?: Record<string, { username?: string; usernameEnv?: string; passwordEnv: string }>;
    /** Check references on every registry, not only ECR and the hosts configured above. */
    lookupAllRegistries?: boolean;
    lookupTimeoutMs?: number;
    maxConcurrentLookups?: number;
}

export const DEFAULT_LOOKUP_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_CONCURRENT_LOOKUPS = 8;

export function registryConfigProperties(): PolicyConfigSchema["properties"] {
    return {
        registryEndpoints: {
            type: "object",
            additionalProperties: { type: "string", pattern: "^https?://" },
            description: "Registry host → API base URL, e.g. {\"123456789012.dkr.ecr.us-west-2.amazonaws.com\": \"http://127.0.0.1:5000\"}.",
        },
        registryCredentials: {
            type: "object",
            additionalProperties: {
                type: "object",
                properties: { username: { type: "string" }, usernameEnv: { type: "string" }, passwordEnv: { type: "string" } },
                required: ["passwordEnv"],
            },
            description: "Registry host → { username | usernameEnv, passwordEnv }: credentials for registries other than ECR (ECR uses the deployer's AWS credentials).",
        },
        lookupAllRegistries: { type: "boolean", default: false, description: "Also check images on registries that are neither ECR nor configured here." },
        lookupTimeoutMs: { type: "integer", minimum: 100, default: DEFAULT_LOOKUP_TIMEOUT_MS, description: "Time budget of one lookup." },
        maxConcurrentLookups: { type: "integer", minimum: 1, default: DEFAULT_MAX_CONCURRENT_LOOKUPS },
    };
}

export type LookupResult =
    | { ok: true; image: RegistryImage; endpoint: string }
    | { ok: false; reason: LookupFailure; message: string; endpoint: string };

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`: region and account of an ECR registry. */
export function ecrRegistry(host: string): { account: string; region: string } | undefined {
    const match = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
    return match ? { account: match[1], region: match[2] } : undefined;
}

/** Whether the rules look this reference up: ECR, a configured host, or every host when asked. */
export function isChecked(ref: ImageReference, config: RegistryConfig): boolean {
    return ecrRegistry(ref.registry) !== undefined || ref.registry in (config.registryEndpoints ?? {})
        || ref.registry in (config.registryCredentials ?? {}) || config.lookupAllRegistries === true;
}

const cache = new Map<string, Promise<LookupResult>>();
let running = 0;
const waiting: (() => void)[] = [];

/** Looks a reference up once per run (cached by endpoint and reference), within the concurrency bound. */
export function lookupImage(ref: ImageReference, config: RegistryConfig): Promise<LookupResult> {
    const endpoint = (config.registryEndpoints?.[ref.registry] ?? `https://${apiHost(ref.registry)}`).replace(/\/+$/, "");
    const key = `${endpoint} ${ref.repository} ${ref.digest ?? ref.tag}`;
    let result = cache.get(key);
    if (result === undefined) {
        result = bounded(config.maxConcurrentLookups ?? DEFAULT_MAX_CONCURRENT_LOOKUPS, () => lookup(ref, endpoint, config));
        cache.set(key, result);
    }
    return result;
}

async function lookup(ref: ImageReference, endpoint: string, config: RegistryConfig): Promise<LookupResult> {
    const timeoutMs = config.lookupTimeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
        const image = await fetchRegistryImage(ref, { endpoint, signal, credentials: () => withBudget(credentialsFor(ref.registry, config), signal, timeoutMs) });
        return { ok: true, image, endpoint };
    } catch (err) {
        if (err instanceof RegistryLookupError) {
            return { ok: false, reason: err.reason, message: err.message, endpoint };
        }
        return { ok: false, reason: "unreachable", message: (err as Error).message, endpoint };
    }
}

async function bounded<T>(limit: number, task: () => Promise<T>): Promise<T> {
    while (running >= limit) {
        await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
        return await task();
    } finally {
        running--;
        waiting.shift()?.();
    }
}

function withBudget<T>(promise: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
    return Promise.race([promise, new Promise<never>((_, reject) => signal.addEventListener("abort",
        () => reject(new RegistryLookupError("timeout", `getting registry credentials took longer than the ${timeoutMs} ms budget`)), { once: true }))]);
}

/** Configured credentials first; for ECR, the deployer's own AWS credentials (GetAuthorizationToken). */
async function credentialsFor(host: string, config: RegistryConfig): Promise<Credentials | undefined> {
    const configured = config.registryCredentials?.[host];
    if (configured !== undefined) {
        const password = process.env[configured.passwordEnv];
        const username = configured.username ?? (configured.usernameEnv ? process.env[configured.usernameEnv] : undefined);
        if (password === undefined || username === undefined) {
            throw new RegistryLookupError("no-credentials", `registryCredentials for ${host} name environment variables that are not set ` +
                `(${[configured.passwordEnv, configured.usernameEnv].filter(Boolean).join(", ")})`);
        }
        return { username, password };
    }
    const ecr = ecrRegistry(host);
    return ecr === undefined ? undefined : ecrCredentials(ecr.region);
}

const ecrTokens = new Map<string, Promise<Credentials>>();

/** An ECR registry password from `GetAuthorizationToken` with the default credential chain; cached per region. */
function ecrCredentials(region: string): Promise<Credentials> {
    let token = ecrTokens.get(region);
    if (token === undefined) {
        token = (async () => {
            // Loaded on first use: a run that never meets an ECR image never loads the AWS SDK.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { ECRClient, GetAuthorizationTokenCommand } = require("@aws-sdk/client-ecr") as typeof import("@aws-sdk/client-ecr");
            try {
                const response = await new ECRClient({ region }).send(new GetAuthorizationTokenCommand({}));
                const encoded = response.authorizationData?.[0]?.authorizationToken;
                if (!encoded) {
                    throw new RegistryLookupError("unauthorized", `ECR GetAuthorizationToken in ${region} returned no token`);
                }
                const [username, ...rest] = Buffer.from(encoded, "base64").toString("utf8").split(":");
                return { username, password: rest.join(":") };
            } catch (err) {
                if (err instanceof RegistryLookupError) {
                    throw err;
                }
                const name = (err as Error).name;
                const reason: LookupFailure = name === "CredentialsProviderError" ? "no-credentials" : "unauthorized";
                throw new RegistryLookupError(reason, `ECR GetAuthorizationToken in ${region} failed with the deployer's AWS credentials (${name}: ${(err as Error).message})`);
            }
        })();
        // A failure is not kept: the next run (or a later resource, after a fix) asks again.
        token.catch(() => ecrTokens.delete(region));
        ecrTokens.set(region, token);
    }
    return token;
}
