/**
 * Runs an image's own code from its unpacked root filesystem under qemu-user (`-L <root>`: the
 * image's dynamic loader and libraries, and absolute paths looked up in the image first), so an
 * arm64 image proves it runs with no binfmt and no container runtime.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Architecture, SPELLINGS } from "@polyarch/platform";
import { ImageConfig } from "./image-checks";
import { freePort } from "./local-registry";

/** `qemu-aarch64-static` / `qemu-x86_64-static`: qemu names CPUs as the GNU triple does. */
export function qemuFor(arch: Architecture): string {
    return `qemu-${SPELLINGS[arch].gnuTriple.split("-")[0]}-static`;
}

/** The image's environment (config Env) as an object, PATH included. */
function imageEnv(config: ImageConfig): Record<string, string> {
    return Object.fromEntries((config.config?.Env ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

/** Resolves an image command's first word (`node`) on the image's PATH to a file in the root. */
function resolveInImage(rootfs: string, command: string, env: Record<string, string>): string {
    if (command.startsWith("/")) {
        return command;
    }
    for (const dir of (env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
        if (fs.existsSync(path.join(rootfs, dir, command))) {
            return path.join(dir, command);
        }
    }
    throw new Error(`'${command}' is not on the image's PATH`);
}

interface Runner {
    spawn(argv: string[], extraEnv?: Record<string, string>): ChildProcess;
    run(argv: string[], extraEnv?: Record<string, string>, timeoutMs?: number): { status: number | null; output: string };
}

function runnerFor(rootfs: string, arch: Architecture, config: ImageConfig): Runner {
    const env = imageEnv(config);
    const cwd = path.join(rootfs, config.config?.WorkingDir || "/");
    const argvFor = (argv: string[]) => ["-L", rootfs, path.join(rootfs, resolveInImage(rootfs, argv[0], env)), ...argv.slice(1)];
    const childEnv = (extra: Record<string, string>) => ({ ...env, HOME: "/tmp", ...extra });
    return {
        spawn: (argv, extra = {}) => spawn(qemuFor(arch), argvFor(argv), { cwd, env: childEnv(extra), stdio: ["ignore", "pipe", "pipe"] }),
        run: (argv, extra = {}, timeoutMs = 120_000) => {
            const result = spawnSync(qemuFor(arch), argvFor(argv), { cwd, env: childEnv(extra), encoding: "utf8", timeout: timeoutMs });
            return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
        },
    };
}

/**
 * An HTTP service: start the image's CMD with a free PORT, then run the image's own HEALTHCHECK
 * command until it passes (it fetches /healthz), as the container runtime would.
 */
export async function checkHttpService(rootfs: string, arch: Architecture, config: ImageConfig): Promise<string | undefined> {
    const runner = runnerFor(rootfs, arch, config);
    const cmd = [...(config.config?.Entrypoint ?? []), ...(config.config?.Cmd ?? [])];
    const test = config.config?.Healthcheck?.Test ?? [];
    if (cmd.length === 0 || test[0] !== "CMD") {
        return "no CMD, or no exec-form HEALTHCHECK to probe it with";
    }
    const port = String(await freePort());
    const server = runner.spawn(cmd, { PORT: port });
    let output = "";
    server.stdout?.on("data", (c) => { output += String(c); });
    server.stderr?.on("data", (c) => { output += String(c); });
    try {
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline) {
            if (server.exitCode !== null) {
                return `the server exited with ${server.exitCode}: ${output.trim().split("\n").slice(-3).join(" | ")}`;
            }
            if (runner.run(test.slice(1), { PORT: port }, 30_000).status === 0) {
                return undefined;
            }
            await new Promise((r) => setTimeout(r, 500));
        }
        return `HEALTHCHECK never passed within 60 s: ${output.trim().split("\n").slice(-3).join(" | ")}`;
    } finally {
        server.kill("SIGKILL");
    }
}

/** The driver: make a PNG with the image's own sharp, invoke the handler, check it returns a smaller WebP. */
const LAMBDA_DRIVER = `
// The task root as this process sees it (its working directory): qemu's -L prefix does not apply
// to every path lookup Node makes, so the handler is loaded by the path it has on this host.
const root = process.cwd();
(async () => {
    const sharp = require(root + "/node_modules/sharp");
    const { handler } = require(root + "/" + process.argv[2]);
    const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 200, g: 60, b: 20 } } }).png().toBuffer();
    const res = await handler({ image: png.toString("base64"), max: 64 });
    if (res.statusCode !== 200) throw new Error("status " + res.statusCode + ": " + res.body);
    const meta = await sharp(Buffer.from(res.body, "base64")).metadata();
    if (meta.format !== "webp" || meta.width !== 64 || meta.height !== 40) throw new Error("got " + JSON.stringify(meta));
    console.log("resized 320x200 PNG to " + meta.width + "x" + meta.height + " " + meta.format + " on " + process.arch);
})().catch((e) => { console.error(String(e && e.message || e).split("\\n")[0]); process.exit(1); });
`;

/** A Lambda image: invoke its CMD handler (`handler.handler`) on a real image, under the image's node. */
export function checkLambdaHandler(rootfs: string, arch: Architecture, config: ImageConfig): { problem?: string; detail: string } {
    const handlerSpec = (config.config?.Cmd ?? [])[0] ?? "";
    const moduleFile = `${handlerSpec.split(".")[0]}.js`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-lambda-"));
    try {
        const driver = path.join(dir, "invoke.js");
        fs.writeFileSync(driver, LAMBDA_DRIVER);
        const result = runnerFor(rootfs, arch, config).run(["node", driver, moduleFile]);
        return result.status === 0 ? { detail: result.output } : { problem: result.output.split("\n").slice(-3).join(" | "), detail: result.output };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
