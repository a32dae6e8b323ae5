/**
 * Reads an image's platform from its registry with the OCI distribution API: the manifest (or
 * index) by digest or tag, then a single manifest's config blob. Handles the two auth schemes
 * registries use (Basic, as ECR does; Bearer tokens from a realm, as Docker Hub and most others
 * do), verifies a digest-pinned manifest against its digest, and never follows anything else.
 */
import * as crypto from "crypto";
import { ImageReference, manifestReference } from "./oci-reference";

export interface OciPlatform {
    os: string;
    architecture: string;
    variant?: string;
}

/** What the registry says about an image. */
export type RegistryImage =
    | { kind: "manifest"; digest: string; platform: OciPlatform }
    /** An index (manifest list): its platforms, attestation entries left out. */
    | { kind: "index"; digest: string; platforms: OciPlatform[] };

/** Why a lookup failed; each has its own message and fix. */
export type LookupFailure = "unreachable" | "unauthorized" | "no-credentials" | "not-found" | "unknown-manifest-type" | "missing-config" | "digest-mismatch" | "timeout";

export class RegistryLookupError extends Error {
    constructor(readonly reason: LookupFailure, message: string) {
        super(message);
    }
}

export interface Credentials {
    username: string;
    password: string;
}

export interface RegistryAccess {
    /** Base URL of the registry API, e.g. `https://123456789012.dkr.ecr.us-west-2.amazonaws.com`. */
    endpoint: string;
    /** Credentials, asked for only when the registry answers 401. */
    credentials?: () => Promise<Credentials | undefined>;
    signal?: AbortSignal;
}

export const INDEX_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];
export const IMAGE_CONFIG_TYPES = ["application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json"];
export const MANIFEST_TYPES = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"];

export async function fetchRegistryImage(ref: ImageReference, access: RegistryAccess): Promise<RegistryImage> {
    const client = new RegistryClient(access);
    const base = `/v2/${ref.repository}`;
    const manifest = await client.get(`${base}/manifests/${manifestReference(ref)}`, [...INDEX_TYPES, ...MANIFEST_TYPES].join(", "));
    if (manifest.status === 404) {
        throw new RegistryLookupError("not-found", `${ref.raw} does not exist in ${access.endpoint} (manifest ${manifestReference(ref)}: 404)`);
    }
    expectOk(manifest, `the manifest of ${ref.raw}`);
    const body = Buffer.from(await manifest.arrayBuffer());
    const digest = `sha256:${crypto.createHash("sha256").update(body).digest("hex")}`;
    if (ref.digest !== undefined && digest !== ref.digest) {
        throw new RegistryLookupError("digest-mismatch", `the registry answered ${ref.raw} with content whose digest is ${digest}`);
    }
    let document: Record<string, unknown>;
    try {
        document = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    } catch {
        throw new RegistryLookupError("unknown-manifest-type", `the manifest of ${ref.raw} is not JSON`);
    }
    const mediaType = String(document.mediaType ?? manifest.headers.get("content-type")?.split(";")[0] ?? "");
    if (INDEX_TYPES.includes(mediaType)) {
        const entries = Array.isArray(document.manifests) ? document.manifests as IndexEntry[] : [];
        return { kind: "index", digest, platforms: entries.filter((m) => !isAttestation(m)).map((m) => platformOf(m.platform)) };
    }
    if (!MANIFEST_TYPES.includes(mediaType)) {
        throw new RegistryLookupError("unknown-manifest-type",
            `${ref.raw} is a ${mediaType || "manifest without a media type"}, neither an image manifest nor an index`);
    }
    const configDescriptor = (document.config ?? {}) as { digest?: unknown; mediaType?: unknown };
    const configDigest = configDescriptor.digest;
    if (typeof configDigest !== "string") {
        throw new RegistryLookupError("missing-config", `the manifest of ${ref.raw} names no config blob`);
    }
    if (!IMAGE_CONFIG_TYPES.includes(String(configDescriptor.mediaType))) {
        // An OCI artifact (an SBOM, a signature, a Helm chart) travels in an image manifest too.
        throw new RegistryLookupError("unknown-manifest-type",
            `${ref.raw} is an artifact (config ${String(configDescriptor.mediaType)}), not a container image`);
    }
    const config = await client.get(`${base}/blobs/${configDigest}`, "application/vnd.oci.image.config.v1+json, application/vnd.docker.container.image.v1+json, */*");
    if (config.status === 404) {
        throw new RegistryLookupError("missing-config", `the config blob ${configDigest} of ${ref.raw} is missing from the registry`);
    }
    expectOk(config, `the config blob of ${ref.raw}`);
    const image = await config.json().catch(() => undefined) as Record<string, unknown> | undefined;
    if (image === undefined || typeof image.architecture !== "string" || typeof image.os !== "string") {
        throw new RegistryLookupError("missing-config", `the config blob ${configDigest} of ${ref.raw} has no os/architecture`);
    }
    return { kind: "manifest", digest, platform: platformOf(image) };
}

/** `linux/arm64`, `linux/arm64/v8`. */
export function platformString(platform: OciPlatform): string {
    return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

/** One entry of an index, as far as the rules read it. */
interface IndexEntry {
    platform?: { os?: string; architecture?: string; variant?: string };
    annotations?: Record<string, string>;
}

/** BuildKit's attestation manifests: `unknown/unknown`, or annotated as such. */
function isAttestation(entry: IndexEntry): boolean {
    return entry.annotations?.["vnd.docker.reference.type"] === "attestation-manifest"
        || (entry.platform?.os === "unknown" && entry.platform?.architecture === "unknown");
}

function platformOf(value: unknown): OciPlatform {
    const p = (value ?? {}) as Record<string, unknown>;
    return { os: String(p.os ?? ""), architecture: String(p.architecture ?? ""), ...(typeof p.variant === "string" && p.variant ? { variant: p.variant } : {}) };
}

function expectOk(response: Response, what: string): void {
    if (response.status === 401 || response.status === 403) {
        throw new RegistryLookupError("unauthorized", `the registry refused to serve ${what} (HTTP ${response.status}) with the credentials it was given`);
    }
    if (!response.ok) {
        throw new RegistryLookupError("unreachable", `the registry answered HTTP ${response.status} for ${what}`);
    }
}

/** GETs with the registry's auth dance: anonymous first, then Basic or a Bearer token on 401. */
class RegistryClient {
    private authorization: string | undefined;

    constructor(private readonly access: RegistryAccess) {}

    async get(pathname: string, accept: string): Promise<Response> {
        let response = await this.send(pathname, accept);
        if (response.status !== 401) {
            return response;
        }
        const challenge = response.headers.get("www-authenticate") ?? "";
        await response.arrayBuffer().catch(() => undefined);
        const credentials = await this.access.credentials?.();
        if (/^basic/i.test(challenge)) {
            if (credentials === undefined) {
                throw new RegistryLookupError("no-credentials", `${this.access.endpoint} requires credentials and none are configured for it`);
            }
            this.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
        } else if (/^bearer/i.test(challenge)) {
            this.authorization = `Bearer ${await this.token(challenge, credentials)}`;
        } else {
            throw new RegistryLookupError("unauthorized", `${this.access.endpoint} answered 401 without a usable challenge ('${challenge}')`);
        }
        response = await this.send(pathname, accept);
        return response;
    }

    private async send(pathname: string, accept: string): Promise<Response> {
        try {
            return await fetch(`${this.access.endpoint}${pathname}`, {
                headers: { accept, ...(this.authorization ? { authorization: this.authorization } : {}) },
                signal: this.access.signal,
            });
        } catch (err) {
            if (this.access.signal?.aborted) {
                throw new RegistryLookupError("timeout", `${this.access.endpoint} did not answer within the lookup time budget`);
            }
            const cause = (err as { cause?: { code?: string; message?: string } }).cause;
            throw new RegistryLookupError("unreachable", `${this.access.endpoint} is unreachable (${cause?.code ?? cause?.message ?? (err as Error).message})`);
        }
    }

    /** The token endpoint named by a Bearer challenge (distribution's token auth spec). */
    private async token(challenge: string, credentials: Credentials | undefined): Promise<string> {
        const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
        if (!params.realm) {
            throw new RegistryLookupError("unauthorized", `${this.access.endpoint} asked for a token without a realm`);
        }
        const url = new URL(params.realm);
        for (const key of ["service", "scope"]) {
            if (params[key]) {
                url.searchParams.set(key, params[key]);
            }
        }
        const headers: Record<string, string> = credentials
            ? { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}` }
            : {};
        const response = await fetch(url, { headers, signal: this.access.signal }).catch((err: Error) => {
            throw new RegistryLookupError(this.access.signal?.aborted ? "timeout" : "unreachable", `the token service ${url.origin} is unreachable (${err.message})`);
        });
        if (!response.ok) {
            throw new RegistryLookupError(credentials ? "unauthorized" : "no-credentials", `the token service ${url.origin} refused a token (HTTP ${response.status})`);
        }
        const body = await response.json() as { token?: string; access_token?: string };
        const token = body.token ?? body.access_token;
        if (!token) {
            throw new RegistryLookupError("unauthorized", `the token service ${url.origin} returned no token`);
        }
        return token;
    }
}
