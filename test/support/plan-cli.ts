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
    return planWithEnv({}, ...args);
}

/** {@link plan} with more environment variables (an empty string unsets one). */
export function planWithEnv(env: NodeJS.ProcessEnv, ...args: string[]): CliResult {
    const merged = Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: "1", ...env }).filter(([, value]) => value !== ""));
    const result = spawnSync(process.execPath, [...planNodeFlags(), "cli/src/main.ts", "plan", ...args], {
        cwd: REPO,
        encoding: "utf8",
        env: merged,
        timeout: 180_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
