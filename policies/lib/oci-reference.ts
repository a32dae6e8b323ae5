/**
 * Image references as Docker and containerd read them: `[registry/]repository[:tag][@digest]`. A
 * first component with a `.` or `:` (or `localhost`) is a registry; otherwise it is Docker Hub, whose
 * single-name repositories live under `library/`.
 */
export interface ImageReference {
    /** The registry host as written (`123456789012.dkr.ecr.us-west-2.amazonaws.com`, `docker.io`). */
    registry: string;
    repository: string;
    tag?: string;
    /** `sha256:<64 hex>` when the reference pins one. */
    digest?: string;
    /** The reference as the consumer wrote it. */
    raw: string;
}

const DOCKER_HUB = "docker.io";
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function parseImageReference(raw: string): ImageReference | undefined {
    const text = raw.trim();
    if (text === "" || /\s/.test(text)) {
        return undefined;
    }
    const [name, digest] = text.split("@", 2);
    if (digest !== undefined && !DIGEST.test(digest)) {
        return undefined;
    }
    const parts = name.split("/");
    const explicitRegistry = parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost");
    const registry = explicitRegistry ? parts[0] : DOCKER_HUB;
    let path = (explicitRegistry ? parts.slice(1) : parts).join("/");
    let tag: string | undefined;
    const colon = path.lastIndexOf(":");
    if (colon > path.lastIndexOf("/")) {
        tag = path.slice(colon + 1);
        path = path.slice(0, colon);
    }
    if (path === "" || !/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) {
        return undefined;
    }
    if (registry === DOCKER_HUB && !path.includes("/")) {
        path = `library/${path}`;
    }
    return { registry, repository: path, tag: digest === undefined ? tag ?? "latest" : tag, digest, raw: text };
}

/** What the registry API is asked for: the digest when pinned, else the tag. */
export function manifestReference(ref: ImageReference): string {
    return ref.digest ?? ref.tag ?? "latest";
}

/** The API host: Docker Hub's registry is not served at docker.io. */
export function apiHost(registry: string): string {
    return registry === DOCKER_HUB ? "registry-1.docker.io" : registry;
}
