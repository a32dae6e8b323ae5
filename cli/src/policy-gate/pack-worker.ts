/**
 * The gate's conversation with the policy pack, on a worker thread: start the pack, ConfigureStack,
 * GetAnalyzerInfo, Configure, then Remediate and Analyze for each registration as it arrives, and
 * AnalyzeStack at the end. It has a thread of its own because the program under mocks keeps the
 * main thread busy from its first registration to its last without returning to the event loop,
 * so gRPC answers would otherwise wait for the program to end. pack-session.ts is the other side.
 */
import { isMainThread, parentPort, workerData } from "worker_threads";
import { InputError } from "../input-error";
import { Diagnostic, PolicyConfig, PolicyPackProcess, StackConfiguration } from "./analyzer-client";
import { REGISTRY_RULES, defaultPackConfig, resolvePackConfig, withoutRegistryLookups } from "./pack-config";
import { AnalysisResource, ReportRemediation, ResourceAnalysis } from "./resource-analysis";
import { startWorkspacePack } from "./workspace-pack";

export interface PackWorkerSetup {
    /** Another pack, started as the CLI starts it; undefined: this repository's (built when stale). */
    packDir?: string;
    stack: StackConfiguration;
    /** The policy config file's content and name, or undefined for the pack's defaults. */
    rawPackConfig?: unknown;
    configFile?: string;
    /** Whether the registry rules run (otherwise they are configured not to look anything up). */
    registry: boolean;
    /** Send every request to the main thread as it is sent (the conformance suite reads them). */
    recordTraffic: boolean;
    /** Int32Array [registered, analyzed]: the main thread counts registrations, the worker analyses. */
    counts: SharedArrayBuffer;
}

export type ToWorker =
    | { kind: "resource"; resource: AnalysisResource }
    | { kind: "finish"; componentOutputs: Map<number, Record<string, unknown>> }
    | { kind: "close" };

/** An error as it crosses threads: a config error keeps what makes it one (exit 2, no stack trace). */
export type WorkerError =
    | { kind: "input"; propertyPath: string; reason: string }
    | { kind: "other"; message: string };

export type FromWorker =
    | { kind: "pid"; pid: number }
    | { kind: "ready"; packName: string; config: Record<string, PolicyConfig>; warnings: string[]; registryRulesEnabled: boolean }
    | { kind: "traffic"; method: string; request: Record<string, unknown> }
    | { kind: "done"; diagnostics: Diagnostic[]; remediations: ReportRemediation[]; stackDiagnostics: Diagnostic[] }
    | { kind: "failed"; error: WorkerError }
    | { kind: "closed"; peakRssKb: number };

export const COUNT_REGISTERED = 0;
export const COUNT_ANALYZED = 1;

export function toWorkerError(error: unknown): WorkerError {
    if (InputError.isInstance(error)) {
        return { kind: "input", propertyPath: error.propertyPath, reason: error.reason };
    }
    return { kind: "other", message: (error as Error)?.message ?? String(error) };
}

export function fromWorkerError(error: WorkerError): Error {
    return error.kind === "input" ? new InputError(error.propertyPath, error.reason) : new Error(error.message);
}

/** Peak RSS of a process, in KiB (0 when it cannot be read: not Linux, or gone). */
function peakRssKb(pid: number | undefined): number {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const status = (require("fs") as typeof import("fs")).readFileSync(`/proc/${pid}/status`, "utf8");
        return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
        return 0;
    }
}

function serve(setup: PackWorkerSetup, port: NonNullable<typeof parentPort>): void {
    const post = (message: FromWorker) => port.postMessage(message);
    const counts = new Int32Array(setup.counts);
    const analysis = new ResourceAnalysis(() => Atomics.add(counts, COUNT_ANALYZED, 1));
    let failed = false;
    const fail = (error: unknown) => {
        if (!failed) {
            failed = true;
            post({ kind: "failed", error: toWorkerError(error) });
        }
    };

    const starting = setup.packDir === undefined ? startWorkspacePack() : PolicyPackProcess.start(setup.packDir);
    starting.then(async (pack) => {
        post({ kind: "pid", pid: pack.pid ?? 0 });
        if (setup.recordTraffic) {
            pack.recordTraffic((method, request) => post({ kind: "traffic", method, request }));
        }
        // plugin/analyzer_plugin.go NewPolicyAnalyzer calls ConfigureStack when the plugin loads;
        // engine/update.go then reads the pack's info and configures it with the reconciled config.
        await pack.configureStack(setup.stack);
        const info = await pack.getAnalyzerInfo();
        const { config, warnings } = setup.rawPackConfig === undefined
            ? defaultPackConfig(info)
            : resolvePackConfig(setup.rawPackConfig, info, setup.configFile ?? "");
        if (info.supportsConfig) {
            await pack.configure(setup.registry ? config : withoutRegistryLookups(config));
        }
        const registryRulesEnabled = REGISTRY_RULES.some((name) => config[name] !== undefined && config[name].enforcementLevel !== "disabled");
        post({ kind: "ready", packName: info.name, config, warnings, registryRulesEnabled });
        analysis.start(pack);
    }).catch(fail);

    port.on("message", (message: ToWorker) => {
        switch (message.kind) {
            case "resource":
                analysis.add(message.resource);
                break;
            case "finish":
                (async () => {
                    const pack = await starting;
                    const { diagnostics, remediations, stackEntries } = await analysis.finish(message.componentOutputs);
                    // step_generator.go AnalyzeResources: the stack policies see every resource's outputs.
                    const stackDiagnostics = await pack.analyzeStackEncoded(stackEntries);
                    post({ kind: "done", diagnostics, remediations, stackDiagnostics });
                })().catch(fail);
                break;
            case "close":
                (async () => {
                    const pack = await starting.catch(() => undefined);
                    const peak = peakRssKb(pack?.pid);
                    await pack?.close();
                    post({ kind: "closed", peakRssKb: peak });
                    port.close();
                })().catch(fail);
                break;
        }
    });
}

if (!isMainThread && parentPort !== null && (workerData as { polyarchPackWorker?: PackWorkerSetup })?.polyarchPackWorker !== undefined) {
    serve((workerData as { polyarchPackWorker: PackWorkerSetup }).polyarchPackWorker, parentPort);
}
