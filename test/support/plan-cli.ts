import { spawnSync } from "child_process";
import * as path from "path";
import { planNodeFlags } from "../../tools/plan-node-flags";

export const REPO = path.resolve(__dirname, "..", "..");

export interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs `npm run plan -- <args>` the way a user does (the same node flags and entry), without a TTY. */
export function plan(...args: string[]): CliResult {
    const result = spawnSync(process.execPath, [...planNodeFlags(), "tools/plan.ts", ...args], {
        cwd: REPO,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
        timeout: 180_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
