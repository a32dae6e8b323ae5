import * as fs from "fs";
import * as path from "path";
import { POLICIES_DIR } from "./policy-pack";

/** Skips a suite without Debian's docker-registry, except in CI, which installs it (.ci/run) and must fail instead. */
export function requireDockerRegistry(context: Mocha.Context): void {
    if (!fs.existsSync("/usr/bin/docker-registry")) {
        if (process.env.CI) {
            throw new Error("docker-registry is required: apt-get install docker-registry");
        }
        context.skip();
    }
}

/** A stack's policy config file (policies/config/<stack>.json) with `settings` added to each of `rules`. */
export function packConfigWith(stack: string, rules: readonly string[], settings: Record<string, unknown>): Record<string, unknown> {
    const file = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "config", `${stack}.json`), "utf8")) as Record<string, unknown>;
    for (const rule of rules) {
        const entry = file[rule];
        file[rule] = { ...(typeof entry === "object" ? entry as object : typeof entry === "string" ? { enforcementLevel: entry } : {}), ...settings };
    }
    return file;
}
