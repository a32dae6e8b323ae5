import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, RecordingMonitor, SECRET_SIG, installRecordingMocks, unwrapSecrets } from "../../cli/src/recording-monitor";
import { mockCallResult, mockResourceOutputs } from "../../cli/src/mock-outputs";

export { SECRET_SIG, unwrapSecrets };

/** One resource registration as it reached the (mocked) engine. */
export type Registration = RecordedResource;

const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        const result = mockResourceOutputs(args.type, args.name, args.inputs);
        return { id: result.id, state: result.state };
    },
    call(args) {
        return mockCallResult(args.token, args.inputs);
    },
};

// Mocks are process-global in @pulumi/pulumi, so every test file shares one installation.
let monitor: RecordingMonitor = installRecordingMocks(mocks, "polyarch", "dev");

/** Every registration since the last reset, in order (the monitor's own list). */
export let registrations: Registration[] = monitor.recorded;

/**
 * Points the mocked engine at another stack name (what `pulumi.getStack()` returns); a preview may
 * treat some types as unchanged from a deployed stack (`sameInPreview`: their outputs known).
 */
export function useStack(stack: string, preview = false, sameInPreview?: (type: string) => boolean): void {
    monitor = installRecordingMocks(mocks, "polyarch", stack, preview, { sameInPreview });
    registrations = monitor.recorded;
}

export async function reset(): Promise<void> {
    await settle();
    monitor.recorded.length = 0;
}

/** Waits until no registration has arrived for several turns of the event loop. */
export async function settle(): Promise<void> {
    let quiet = 0;
    let seen = -1;
    while (quiet < 8) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (monitor.recorded.length === seen) {
            quiet++;
        } else {
            quiet = 0;
            seen = monitor.recorded.length;
        }
    }
}

/** The inputs of the one registration of `type` whose name is `name`. */
export async function inputsOf(type: string, name: string): Promise<Record<string, any>> {
    return (await registrationOf(type, name)).inputs;
}

export async function registrationOf(type: string, name: string): Promise<Registration> {
    await settle();
    const found = monitor.recorded.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        const seen = monitor.recorded.map((r) => `${r.type} ${r.name}`).join("\n  ");
        throw new Error(`expected one ${type} named ${name}, found ${found.length}; registered:\n  ${seen}`);
    }
    return found[0];
}

export async function ofType(type: string): Promise<Registration[]> {
    await settle();
    return monitor.recorded.filter((r) => r.type === type);
}

/** Resolves an output in tests (mocks resolve every output). */
export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((done) => output.apply((value) => { done(value); return value; }));
}
