import { SpawnSyncReturns, spawnSync } from "child_process";

/** buildah and skopeo against one storage location and one registries.conf. */
export class Builder {
    constructor(
        private readonly storage: { root: string; runroot: string; driver: string },
        /** registries.conf mirroring the Dockerfiles' base registries to the loopback registry. */
        private readonly registriesConf: string,
    ) {}

    private env(): NodeJS.ProcessEnv {
        return { ...process.env, CONTAINERS_REGISTRIES_CONF: this.registriesConf };
    }

    /** Runs `buildah <args>` with this storage; throws with its stderr's tail on failure. */
    buildah(args: string[], options: { allowFailure?: boolean } = {}): SpawnSyncReturns<string> {
        const result = spawnSync("buildah", ["--root", this.storage.root, "--runroot", this.storage.runroot,
            "--storage-driver", this.storage.driver, ...args], { encoding: "utf8", env: this.env(), maxBuffer: 64 * 1024 * 1024 });
        if (result.status !== 0 && !options.allowFailure) {
            throw new Error(`buildah ${args[0]} failed: ${tail(result.stderr || result.stdout)}`);
        }
        return result;
    }

    /**
     * `skopeo inspect --raw` (or `--config --raw`) of a loopback-registry reference, parsed. For an
     * index, the config is the instance of `platform` (`linux/arm64`), not of this host.
     */
    inspect<T>(reference: string, what: "manifest" | "config", platform?: string): T {
        const [os, arch] = (platform ?? "").split("/");
        const override = platform ? ["--override-os", os, "--override-arch", arch] : [];
        const args = [...override, "inspect", "--tls-verify=false", ...(what === "config" ? ["--config"] : []), "--raw", `docker://${reference}`];
        const result = spawnSync("skopeo", args, { encoding: "utf8", env: this.env() });
        if (result.status !== 0) {
            throw new Error(`skopeo inspect ${reference} failed: ${tail(result.stderr)}`);
        }
        return JSON.parse(result.stdout) as T;
    }

    /** Whether a reference exists in the registry. */
    exists(reference: string): boolean {
        return spawnSync("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${reference}`], { env: this.env(), stdio: "ignore" }).status === 0;
    }
}

export function tail(text: string, lines = 6): string {
    return text.trim().split("\n").slice(-lines).join(" | ");
}

/** overlay where the kernel allows it (smaller, faster), else vfs. */
export function storageDriver(root: string, runroot: string): string {
    const wanted = process.env.POLYARCH_STORAGE_DRIVER;
    if (wanted) {
        return wanted;
    }
    const probe = spawnSync("buildah", ["--root", root, "--runroot", runroot, "--storage-driver", "overlay", "images"], { stdio: "ignore" });
    return probe.status === 0 ? "overlay" : "vfs";
}
