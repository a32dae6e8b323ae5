import * as crypto from "crypto";

export interface Descriptor {
    mediaType: string;
    digest: string;
    size: number;
    platform?: { os: string; architecture: string; variant?: string };
    annotations?: Record<string, string>;
}

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

/**
 * Writes crafted images to a real registry with the distribution API (blob uploads, manifest
 * PUTs), so the registry rules meet exactly the documents a registry serves.
 */
export class RegistryWriter {
    constructor(private readonly baseUrl: string, private readonly auth?: { username: string; password: string }) {}

    async blob(repository: string, content: Buffer | string): Promise<Descriptor & { mediaType: string }> {
        const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
        const digest = `sha256:${crypto.createHash("sha256").update(bytes).digest("hex")}`;
        const start = await this.request("POST", `/v2/${repository}/blobs/uploads/`);
        const location = new URL(start.headers.get("location") ?? "", this.baseUrl);
        location.searchParams.set("digest", digest);
        await this.request("PUT", location.pathname + location.search, bytes, "application/octet-stream");
        return { mediaType: OCI_LAYER, digest, size: bytes.length };
    }

    async deleteBlob(repository: string, digest: string): Promise<void> {
        await this.request("DELETE", `/v2/${repository}/blobs/${digest}`);
    }

    async manifest(repository: string, reference: string | undefined, document: object, mediaType: string): Promise<Descriptor> {
        const bytes = Buffer.from(JSON.stringify(document));
        const digest = `sha256:${crypto.createHash("sha256").update(bytes).digest("hex")}`;
        await this.request("PUT", `/v2/${repository}/manifests/${reference ?? digest}`, bytes, mediaType);
        return { mediaType, digest, size: bytes.length };
    }

    /** A single-platform image whose config blob records `platform` (or `config` as given). */
    async image(repository: string, platform: { os: string; architecture: string; variant?: string }, tag?: string, config?: object): Promise<Descriptor> {
        const configBlob = await this.blob(repository, JSON.stringify(config ?? { ...platform, rootfs: { type: "layers", diff_ids: [] }, config: {} }));
        const layer = await this.blob(repository, crypto.randomBytes(32));
        const document = {
            schemaVersion: 2,
            mediaType: OCI_MANIFEST,
            config: { mediaType: OCI_CONFIG, digest: configBlob.digest, size: configBlob.size },
            layers: [{ mediaType: OCI_LAYER, digest: layer.digest, size: layer.size }],
        };
        const pushed = await this.manifest(repository, tag, document, OCI_MANIFEST);
        return { ...pushed, platform };
    }

    async index(repository: string, entries: Descriptor[], tag?: string): Promise<Descriptor> {
        return this.manifest(repository, tag, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }, OCI_INDEX);
    }

    /** BuildKit's attestation entry for `subject` (platform unknown/unknown). */
    async attestation(repository: string, subject: Descriptor): Promise<Descriptor> {
        const statement = await this.image(repository, { os: "unknown", architecture: "unknown" });
        return { ...statement, platform: { os: "unknown", architecture: "unknown" },
            annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": subject.digest } };
    }

    private async request(method: string, pathname: string, body?: Buffer, contentType?: string): Promise<Response> {
        const headers: Record<string, string> = contentType ? { "content-type": contentType } : {};
        if (this.auth) {
            headers.authorization = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString("base64")}`;
        }
        const response = await fetch(new URL(pathname, this.baseUrl), { method, headers, body });
        if (!response.ok) {
            throw new Error(`${method} ${pathname}: HTTP ${response.status} ${await response.text()}`);
        }
        return response;
    }
}
