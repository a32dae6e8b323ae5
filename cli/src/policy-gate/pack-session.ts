import * as path from "path";
import { Worker } from "worker_threads";
import { RecordedResource } from "../recording-monitor";
import { Diagnostic, PolicyConfig, TrafficRecorder } from "./analyzer-client";
import { COUNT_ANALYZED, COUNT_REGISTERED, FromWorker, PackWorkerSetup, ToWorker, fromWorkerError } from "./pack-worker";
import { AnalysisCounts, ReportRemediation, analysisResource } from "./resource-analysis";

export interface PackReady {
    /** GetAnalyzerInfo's name. */
    packName: string;
    config: Record<string, PolicyConfig>;
    warnings: string[];
    registryRulesEnabled: boolean;
}

export interface PackVerdicts {
    /** Remediate and Analyze diagnostics, in the report's order of resources. */
    diagnostics: Diagnostic[];
    remediations: ReportRemediation[];
    /** AnalyzeStack's. */
    stackDiagnostics: Diagnostic[];
}

/**
 * The main thread's side of pack-worker.ts: hands each registration to the worker as it is
 * recorded (a structured clone, so later changes to the program's objects cannot reach it), and
 * turns the worker's answers back into promises. The pack's process is also killed from here
 * if this process exits first, since a worker's own exit handlers do not run then.
 */
export class PackSession {
    /** Settles once the pack is started and configured. */
    readonly ready: Promise<PackReady>;
    private readonly worker: Worker;
    private readonly counts: Int32Array;
    private readonly waiting = new Map<FromWorker["kind"], (message: FromWorker) => void>();
    private failure: Error | undefined;
    private onFailure: ((error: Error) => void)[] = [];
    private packPid = 0;
    private closed: Promise<number> | undefined;
    private readonly killPack = () => {
        if (this.packPid !== 0) {
            try {
                process.kill(this.packPid, "SIGKILL");
            } catch {
                // Already gone.
            }
        }
    };

    constructor(setup: Omit<PackWorkerSetup, "counts" | "recordTraffic">, private readonly recorder?: TrafficRecorder) {
        const counts = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
        this.counts = new Int32Array(counts);
        const workerSetup: PackWorkerSetup = { ...setup, counts, recordTraffic: recorder !== undefined };
        this.worker = new Worker(path.join(__dirname, "pack-worker-entry.js"), { workerData: { polyarchPackWorker: workerSetup }, execArgv: [] });
        process.once("exit", this.killPack);
        this.worker.on("message", (message: FromWorker) => this.receive(message));
        this.worker.on("error", (error) => this.fail(error));
        this.worker.on("exit", () => {
            process.removeListener("exit", this.killPack);
            this.fail(new Error("the policy pack's worker thread exited"));
        });
        this.ready = this.next("ready") as Promise<PackReady>;
        // A failure before anyone awaits `ready` is reported where it is awaited, not as unhandled.
        this.ready.catch(() => undefined);
    }

    /** Registrations so far, and how many the pack has answered for. */
    countsNow(): AnalysisCounts {
        return { registered: Atomics.load(this.counts, COUNT_REGISTERED), analyzed: Atomics.load(this.counts, COUNT_ANALYZED) };
    }

    /** One registration, as the monitor recorded it (in registration order). */
    add(resource: RecordedResource): void {
        Atomics.add(this.counts, COUNT_REGISTERED, 1);
        this.send({ kind: "resource", resource: analysisResource(resource) });
    }

    /**
     * After the program: the components' registered outputs, then every verdict. `order` lists the
     * indexes of `recorded` (the order they were added in) in the order the report lists them
     * (run-program.ts programOrder): the diagnostics and remediations follow it, so they do not
     * depend on which registration happened to finish first.
     */
    async verdicts(recorded: RecordedResource[], order: number[] = recorded.map((_, i) => i)): Promise<PackVerdicts> {
        const componentOutputs = new Map<number, Record<string, unknown>>();
        recorded.forEach((r, i) => {
            if (!r.custom) {
                componentOutputs.set(i, r.wireOutputs);
            }
        });
        const done = this.next("done");
        this.send({ kind: "finish", componentOutputs });
        const { diagnostics, remediations, stackDiagnostics } = (await done) as Extract<FromWorker, { kind: "done" }>;
        const rank = new Map(order.map((index, position) => [recorded[index].urn, position]));
        const byResource = <T extends { urn: string }>(items: T[]) => stableSortBy(items, (item) => rank.get(item.urn) ?? Infinity);
        return {
            // The worker gives each resource's findings in the order it was added, in the pack's order.
            diagnostics: byResource(diagnostics),
            remediations: byResource(remediations),
            // @pulumi/policy server.js analyzeStack runs the stack policies one after another: keep
            // that order of policies, and each one's findings in the resources' order.
            stackDiagnostics: policyGroups(stackDiagnostics).flatMap(byResource),
        };
    }

    /** Stops the pack and the worker; resolves with the pack's peak RSS in KiB (0 if unknown). */
    close(): Promise<number> {
        this.closed ??= (async () => {
            const closing = this.next("closed").then((m) => (m as Extract<FromWorker, { kind: "closed" }>).peakRssKb, () => 0);
            this.send({ kind: "close" });
            // The worker answers once the pack is gone (a pack still starting is stopped once started);
            // if the worker itself failed, the pack is killed from here.
            const peak = await closing;
            this.killPack();
            process.removeListener("exit", this.killPack);
            await this.worker.terminate();
            return peak;
        })();
        return this.closed;
    }

    private send(message: ToWorker): void {
        if (this.failure === undefined) {
            this.worker.postMessage(message);
        }
    }

    private next(kind: FromWorker["kind"]): Promise<FromWorker> {
        return new Promise((resolve, reject) => {
            if (this.failure !== undefined) {
                reject(this.failure);
                return;
            }
            this.waiting.set(kind, resolve);
            this.onFailure.push(reject);
        });
    }

    private receive(message: FromWorker): void {
        switch (message.kind) {
            case "pid":
                this.packPid = message.pid;
                return;
            case "traffic":
                this.recorder?.(message.method, message.request);
                return;
            case "failed":
                this.fail(fromWorkerError(message.error));
                return;
            default: {
                const resolve = this.waiting.get(message.kind);
                this.waiting.delete(message.kind);
                resolve?.(message);
            }
        }
    }

    private fail(error: Error): void {
        if (this.failure !== undefined) {
            return;
        }
        this.failure = error;
        const rejects = this.onFailure;
        this.onFailure = [];
        rejects.forEach((reject) => reject(error));
    }
}

/** Sorted by key, equal keys in their original order. */
function stableSortBy<T>(items: T[], key: (item: T) => number): T[] {
    const keys = items.map(key);
    return items.map((_, i) => i).sort((a, b) => (keys[a] - keys[b]) || a - b).map((i) => items[i]);
}

/** The diagnostics of each policy, policies in the order they first appear. */
function policyGroups(diagnostics: Diagnostic[]): Diagnostic[][] {
    const groups = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
        const group = groups.get(d.policy) ?? [];
        group.push(d);
        groups.set(d.policy, group);
    }
    return [...groups.values()];
}
