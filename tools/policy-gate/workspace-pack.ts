import * as path from "path";
import { PLATFORM_DIR, build, isCurrent } from "../../policies/build";
import { PackStartError, PolicyPackProcess } from "./analyzer-client";

/** This repository's policy pack. */
export const WORKSPACE_PACK_DIR = path.resolve(__dirname, "..", "..", "policies");

/**
 * Starts this repository's pack as `pulumi preview --policy-pack policies` does: its package
 * `main`, the build. The build is redone first when a source changed since (policies/build.js
 * keeps the hash), so a policy edit is what the next plan runs. Running the build instead of the
 * sources spares the pack a ts-node type check of itself at every start (run-policy-pack turns
 * it on): 3.7 s and 150 MiB of the pack's 300 at start, measured on the dev stack.
 */
export async function startWorkspacePack(timeoutMs?: number): Promise<PolicyPackProcess> {
    if (!isCurrent(WORKSPACE_PACK_DIR) || !isCurrent(PLATFORM_DIR)) {
        try {
            if (!isCurrent(PLATFORM_DIR)) {
                await build(PLATFORM_DIR);
            }
            if (!isCurrent(WORKSPACE_PACK_DIR)) {
                await build(WORKSPACE_PACK_DIR);
            }
        } catch (err) {
            throw new PackStartError(`the policy pack does not compile (npm run build -w policies):\n${(err as Error).message}`);
        }
    }
    return PolicyPackProcess.start(WORKSPACE_PACK_DIR, timeoutMs);
}
