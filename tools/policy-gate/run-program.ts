import * as pulumi from "@pulumi/pulumi";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import * as path from "path";
import { mockCallResult, mockResourceOutputs } from "../mock-outputs";
import { RecordedResource, installRecordingMocks, waitForRegistrations } from "../recording-monitor";
import { EngineError } from "../engine/urn";
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
 * resource as the CLI's language host does, with the stack file's config, as a preview (ids and
 * computed outputs unknown) or an update, and records every registration with its parent,
 * dependencies, propertyDependencies, options and default provider, each handed to `onRecorded`
 * as it comes. A registration the engine would refuse fails the run with the engine's message.
 */
export async function runProgramUnderMocks(entry: string, project: string, stackFile: StackFile, preview = false,
    onRecorded?: (resource: RecordedResource) => void): Promise<ProgramRun> {
    const monitor = installRecordingMocks(mocks, project, stackFile.stack, preview, { defaultProviderConfig: stackFile.config, onRecorded });
    pulumi.runtime.setAllConfig(stackFile.config, stackFile.secretKeys);
    const resolved = require.resolve(path.resolve(entry));
    // The entry runs on require; forget a previous run so this one registers afresh.
    Reflect.deleteProperty(require.cache, resolved);
    const restoreStackTraces = stackTracesOff();
    try {
        let outputs: unknown;
        // A registration the engine refuses rejects a promise the program never handles; Node would
        // print it and exit 1 (as if a policy had failed). Collect it and fail the run with it instead.
        const unhandled: unknown[] = [];
        const collect = (reason: unknown) => { unhandled.push(reason); };
        process.on("unhandledRejection", collect);
        try {
            outputs = await runInPulumiStack(async () => {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                return require(resolved);
            });
            await waitForRegistrations();
            // Let rejections of the last registrations reach the handler.
            await new Promise((resolve) => setImmediate(resolve));
        } finally {
            process.removeListener("unhandledRejection", collect);
            // What the engine refused (a duplicate URN) is why the program failed, if it did.
            if (monitor.errors.length > 0) {
                throw new EngineError(monitor.errors[0]);
            }
        }
        if (unhandled.length > 0) {
            throw unhandled[0];
        }
        return { resources: [...monitor.recorded], outputs: (outputs ?? {}) as Record<string, unknown> };
    } finally {
        restoreStackTraces();
        monitor.close();
    }
}

/**
 * Pulumi captures a full stack trace per resource (source positions for the engine's diagnostics)
 * and one per promise (leak diagnostics). Under mocks nothing reads them, yet formatting them
 * through ts-node's source maps was ~80% of a large stack's run (bench/). Switches both off until
 * the returned function is called; errors still carry their messages. The bench's floor program
 * runs with the same setting, so the two are compared on equal terms.
 */
export function stackTracesOff(): () => void {
    const stackTraceLimit = Error.stackTraceLimit;
    const resourceClass = pulumi.Resource as unknown as { callsites(): unknown[] };
    const callsites = resourceClass.callsites;
    Error.stackTraceLimit = 0;
    resourceClass.callsites = () => [];
    return () => {
        Error.stackTraceLimit = stackTraceLimit;
        resourceClass.callsites = callsites;
    };
}
