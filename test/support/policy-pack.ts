import * as path from "path";
import { PolicyConfig, PolicyPackProcess } from "../../cli/src/policy-gate/analyzer-client";
import { BUNDLED_PACK_DIR, startWorkspacePack } from "../../cli/src/policy-gate/workspace-pack";
import { readJsonFile, resolvePackConfig, withoutRegistryLookups } from "../../cli/src/policy-gate/pack-config";

/** This repository's pack (where the gate starts it from). */
export const POLICIES_DIR = BUNDLED_PACK_DIR;

let shared: Promise<PolicyPackProcess> | undefined;

/** The pack, started once per test run the way the CLI starts it; closed by the root hook. */
export function policyPack(): Promise<PolicyPackProcess> {
    shared ??= startWorkspacePack();
    return shared;
}

export async function closePolicyPack(): Promise<void> {
    if (shared) {
        const pack = await shared.catch(() => undefined);
        shared = undefined;
        await pack?.close();
    }
}

/**
 * Configures the pack from policies/config/<stack>.json (or a literal config), as the CLI would;
 * the registry rules stay off unless `registry` (most tests' digests are made up).
 */
export async function configureFor(stackOrConfig: "dev" | "prod" | Record<string, unknown>, registry = false): Promise<Record<string, PolicyConfig>> {
    const pack = await policyPack();
    const info = await pack.getAnalyzerInfo();
    const raw = typeof stackOrConfig === "string" ? readJsonFile(path.join(POLICIES_DIR, "config", `${stackOrConfig}.json`)) : stackOrConfig;
    const { config } = resolvePackConfig(raw, info, typeof stackOrConfig === "string" ? `${stackOrConfig}.json` : "inline.json");
    const sent = registry ? config : withoutRegistryLookups(config);
    await pack.configure(sent);
    return sent;
}
