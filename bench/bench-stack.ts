import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
/** This repository: the polyarch project the bench plans. */
const REPO_ROOT = path.resolve(__dirname, "..");
import { readStackFile } from "../cli/src/stack-file";

/**
 * Writes `Pulumi.zz-bench-<extra>.yaml`: the dev stack plus `extra` generated Lambda services.
 * Returns the stack name and a function that removes the file.
 */
export function writeBenchStack(extra: number): { stack: string; remove: () => void } {
    const dev = readStackFile(REPO_ROOT, "dev");
    const config: Record<string, unknown> = Object.fromEntries(Object.entries(dev.config).map(([k, v]) => {
        try { return [k, JSON.parse(v)]; } catch { return [k, v]; }
    }));
    const services = config["polyarch:services"] as Record<string, unknown>[];
    for (let i = 0; i < extra; i++) {
        services.push({ name: `bench-fn-${String(i).padStart(4, "0")}`, target: "lambda", context: "services/thumbnails", memory: 512 });
    }
    const stack = `zz-bench-${extra}`;
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, stringify({ config }));
    return { stack, remove: () => fs.rmSync(file, { force: true }) };
}
