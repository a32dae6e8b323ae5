import * as pulumi from "@pulumi/pulumi";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import * as path from "path";
import { mockCallResult, mockResourceOutputs } from "../mock-outputs";
import { RecordedResource, installRecordingMocks, waitForRegistrations } from "../recording-monitor";
import { StackFile } from "../stack-file";

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => mockResourceOutputs(args.type, args.name, args.inputs),
    call: (args) => mockCallResult(args.token, args.inputs),
};

export interface ProgramRun {
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
}

/**
 * Runs a Pulumi program (its `main` module) under Pulumi's runtime mocks, inside a root Stack
 * resource as the CLI's language host does, with the stack file's config, and records every
 * registration with its parent, dependencies and propertyDependencies.
 */
export async function runProgramUnderMocks(entry: string, project: string, stackFile: StackFile): Promise<ProgramRun> {
    const monitor = installRecordingMocks(mocks, project, stackFile.stack, false);
    pulumi.runtime.setAllConfig(stackFile.config, stackFile.secretKeys);
    const resolved = require.resolve(path.resolve(entry));
    // The entry runs on require; forget a previous run so this one registers afresh.
    Reflect.deleteProperty(require.cache, resolved);
    const outputs = await runInPulumiStack(async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(resolved);
    });
    await waitForRegistrations();
    return { resources: [...monitor.recorded], outputs: (outputs ?? {}) as Record<string, unknown> };
}
