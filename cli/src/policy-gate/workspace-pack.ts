import * as fs from "fs";
import * as path from "path";
import { PackStartError, PolicyPackProcess } from "./analyzer-client";

/**
 * The policy pack the CLI bundles: the `polyarch-policies` package it depends on, where Node
 * resolves it (in this repository, the workspace's link to policies/).
 */
export const BUNDLED_PACK_DIR = fs.realpathSync(path.dirname(require.resolve("polyarch-policies/package.json")));

/** What policies/build.js exports (only the repository's sources have it; an installed pack is its build). */
interface PackBuilder {
    PLATFORM_DIR: string;
    build(dir: string): Promise<string>;
    isCurrent(dir: string): boolean;
}

/**
 * Starts the bundled pack as `pulumi preview --policy-pack <dir>` does: its package `main`, the
 * build. Run from this repository's sources, the build is redone first when a source changed
 * since (policies/build.js keeps the hash), so a policy edit is what the next plan runs. Running
 * the build instead of the sources spares the pack a ts-node type check of itself at every start
 * (run-policy-pack turns it on): 3.7 s and 150 MiB of the pack's 300 at start, measured on the
 * dev stack.
 */
export async function startWorkspacePack(timeoutMs?: number): Promise<PolicyPackProcess> {
    const builderFile = path.join(BUNDLED_PACK_DIR, "build.js");
    if (fs.existsSync(builderFile)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { PLATFORM_DIR, build, isCurrent } = require(builderFile) as PackBuilder;
        try {
            if (!isCurrent(PLATFORM_DIR)) {
                await build(PLATFORM_DIR);
            }
            if (!isCurrent(BUNDLED_PACK_DIR)) {
                await build(BUNDLED_PACK_DIR);
            }
        } catch (err) {
            throw new PackStartError(`the policy pack does not compile (npm run build -w policies):\n${(err as Error).message}`);
        }
    }
    return PolicyPackProcess.start(BUNDLED_PACK_DIR, timeoutMs);
}
