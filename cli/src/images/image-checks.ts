/**
 * The checks on one pushed image, as pure functions of what the registry returned (manifest and
 * config) and of the image's files: each returns undefined when it passes, or what failed.
 */
import { Architecture, SPELLINGS } from "@polyarch/platform";

/** Media types of one image manifest (Docker v2 schema 2 and OCI). */
const IMAGE_MANIFEST_TYPES = new Set(["application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.manifest.v1+json"]);

export interface ImageManifest {
    mediaType?: string;
    manifests?: unknown[];
    config?: { size: number };
    layers?: { size: number }[];
}

export interface ImageConfig {
    architecture?: string;
    os?: string;
    variant?: string;
    config?: { User?: string; Healthcheck?: { Test?: string[] }; WorkingDir?: string; Env?: string[]; Entrypoint?: string[]; Cmd?: string[] };
}

/** One single-platform image must be one image manifest: never an index (Lambda refuses those). */
export function manifestProblem(manifest: ImageManifest): string | undefined {
    if (manifest.manifests !== undefined || !IMAGE_MANIFEST_TYPES.has(String(manifest.mediaType))) {
        return `expected one image manifest, got ${String(manifest.mediaType)}${manifest.manifests ? ` with ${manifest.manifests.length} entries` : ""}`;
    }
    return undefined;
}

/** The config's os/architecture must be the catalog's for the target. */
export function platformProblem(config: ImageConfig, arch: Architecture): string | undefined {
    const [os, cpu] = SPELLINGS[arch].dockerPlatform.split("/");
    const got = `${String(config.os)}/${String(config.architecture)}${config.variant ? `/${config.variant}` : ""}`;
    return config.os === os && config.architecture === cpu && (config.variant === undefined || config.variant === "v8")
        ? undefined : `config says ${got}, the catalog says ${os}/${cpu}`;
}

/** USER must be numeric and not root (`1000`, `1000:1000`) where the target verifies it. */
export function userProblem(config: ImageConfig): string | undefined {
    const user = config.config?.User ?? "";
    const match = /^(\d+)(:(\d+))?$/.exec(user);
    if (!match) {
        return user === "" ? "no USER: runs as root" : `USER '${user}' is not numeric (runAsNonRoot cannot verify it)`;
    }
    return Number(match[1]) === 0 ? "USER is uid 0 (root)" : undefined;
}

/** A HEALTHCHECK the Dockerfile sets must survive into the image (the OCI format drops it). */
export function healthcheckProblem(config: ImageConfig, dockerfileHasHealthcheck: boolean): string | undefined {
    const test = config.config?.Healthcheck?.Test;
    if (dockerfileHasHealthcheck && !(Array.isArray(test) && test.length > 0 && test[0] !== "NONE")) {
        return "the Dockerfile's HEALTHCHECK is missing from the image config";
    }
    return undefined;
}

/** Compressed size: what a pull transfers (config + layers as the manifest lists them). */
export function compressedBytes(manifest: ImageManifest): number {
    return (manifest.config?.size ?? 0) + (manifest.layers ?? []).reduce((sum, layer) => sum + layer.size, 0);
}

export function sizeProblem(uncompressedBytes: number, budgetMb: number): string | undefined {
    const mb = uncompressedBytes / 1e6;
    return mb <= budgetMb ? undefined : `${mb.toFixed(0)} MB is over its ${budgetMb} MB budget`;
}
