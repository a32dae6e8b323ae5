import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Debian's `docker-registry` (distribution 2.8), listening on 127.0.0.1 only. */
export class LocalRegistry {
    private constructor(private readonly child: ChildProcess, readonly address: string) {}

    static async start(storageDir: string, htpasswd?: string): Promise<LocalRegistry> {
        fs.mkdirSync(storageDir, { recursive: true });
        const port = await freePort();
        const config = path.join(storageDir, `..`, `registry-${port}.yml`);
        fs.writeFileSync(config, [
            "version: 0.1",
            "log: { level: error }",
            "storage:",
            `  filesystem: { rootdirectory: ${JSON.stringify(storageDir)} }`,
            "  delete: { enabled: true }",
            "http:",
            `  addr: 127.0.0.1:${port}`,
            ...(htpasswd ? ["auth:", `  htpasswd: { realm: polyarch-test, path: ${JSON.stringify(htpasswd)} }`] : []),
            "",
        ].join("\n"));
        const child = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr?.on("data", (chunk) => { stderr += String(chunk); });
        const address = `127.0.0.1:${port}`;
        for (let attempt = 0; attempt < 100; attempt++) {
            if (child.exitCode !== null) {
                throw new Error(`docker-registry exited: ${stderr.trim()}`);
            }
            const up = await fetch(`http://${address}/v2/`).then((r) => r.status === 200 || r.status === 401, () => false);
            if (up) {
                return new LocalRegistry(child, address);
            }
            await new Promise((r) => setTimeout(r, 100));
        }
        child.kill();
        throw new Error(`docker-registry did not answer on ${address}: ${stderr.trim()}`);
    }

    stop(): void {
        this.child.kill();
    }
}
