import { spawnSync } from "child_process";

/** The commands the verification runs, and the Debian package of each. */
export const REQUIRED_COMMANDS: Readonly<Record<string, string>> = {
    buildah: "buildah",
    skopeo: "skopeo",
    "docker-registry": "docker-registry",
    "qemu-aarch64-static": "qemu-user-static",
    "qemu-x86_64-static": "qemu-user-static",
    debootstrap: "debootstrap",
    "dpkg-deb": "dpkg",
};

export function hasCommand(command: string): boolean {
    return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

export class ToolchainError extends Error {}

/**
 * Installs the missing tools with apt when running as root; otherwise says exactly what is needed.
 * (These are Debian's own packages: no tool downloads a binary of its own.)
 */
export function ensureToolchain(log: (line: string) => void): void {
    const missing = Object.keys(REQUIRED_COMMANDS).filter((c) => !hasCommand(c));
    if (missing.length === 0) {
        return;
    }
    const packages = [...new Set(missing.map((c) => REQUIRED_COMMANDS[c]))];
    if (process.getuid?.() !== 0) {
        throw new ToolchainError(`needs ${missing.join(", ")}: run as root (it installs them with apt), or install them first: ` +
            `sudo apt-get install -y --no-install-recommends ${packages.join(" ")}`);
    }
    log(`installing ${packages.join(", ")} with apt…`);
    for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...packages]]) {
        const result = spawnSync("apt-get", args, { encoding: "utf8", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
        if (result.status !== 0) {
            throw new ToolchainError(`apt-get ${args[0]} failed: ${(result.stderr || result.stdout).trim().split("\n").slice(-3).join(" | ")}`);
        }
    }
    const still = Object.keys(REQUIRED_COMMANDS).filter((c) => !hasCommand(c));
    if (still.length > 0) {
        throw new ToolchainError(`still missing after apt-get install: ${still.join(", ")}`);
    }
}
