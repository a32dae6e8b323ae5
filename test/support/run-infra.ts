import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { readStackFile } from "../../cli/src/stack-file";
import { StackOutputs } from "../../infra/program";
import * as runtime from "./mock-runtime";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const INFRA_ENTRY = require.resolve("../../infra/index.ts");

/** Config as the CLI hands it to the program, for a stack file or an in-memory override. */
export function applyConfig(config: Record<string, string>, secretKeys: string[] = []): void {
    pulumi.runtime.setAllConfig(config, secretKeys);
}

/**
 * Runs the real `infra/` entry point (infra/index.ts) for a stack under the mocks, exactly as
 * `pulumi up` would run it, and returns its exports and every registration.
 */
export async function runInfra(stack: string, override?: { config: Record<string, string>; secretKeys?: string[] }):
    Promise<{ exports: StackOutputs; registrations: runtime.Registration[] }> {
    runtime.useStack(stack);
    if (override) {
        applyConfig(override.config, override.secretKeys);
    } else {
        const file = readStackFile(PROJECT_ROOT, stack);
        applyConfig(file.config, file.secretKeys);
    }
    delete require.cache[INFRA_ENTRY];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stackExports = require(INFRA_ENTRY) as StackOutputs;
    await runtime.settle();
    return { exports: stackExports, registrations: [...runtime.registrations] };
}
