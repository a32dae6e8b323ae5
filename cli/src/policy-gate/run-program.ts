import * as pulumi from "@pulumi/pulumi";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { mockCallResult, mockResourceOutputs } from "../mock-outputs";
import { RecordedResource, installRecordingMocks, waitForRegistrations } from "../recording-monitor";
import { EngineError } from "../engine/urn";
import { PriorState } from "../engine/prior-state";
import { StackFile } from "../stack-file";
import { describeProgramFailure, typeScriptLoader } from "./program-failure";
import { ProgramError } from "./program-error";
import { pulumiSemver } from "../pulumi-semver";
import { refuseYarnPlugAndPlay } from "./yarn-plug-and-play";

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => mockResourceOutputs(args.type, args.name, args.inputs),
    call: (args) => mockCallResult(args.token, args.inputs),
};

export interface ProgramRun {
    /** Every registration, in the order the monitor recorded it (and handed it to `onRecorded`). */
    resources: RecordedResource[];
    /**
     * Indexes into `resources` in program order (programOrder below): the same for every run of
     * the same program, whichever registration the monitor happened to finish first.
     */
    programOrder: number[];
    outputs: Record<string, unknown>;
    /** What the CLI would warn about (printed as warnings). */
    warnings: string[];
    /** What the program said through `pulumi.log` (info, warnings, errors; debug is dropped as the CLI drops it without -v). */
    logs: ProgramLog[];
}

export interface ProgramLog {
    severity: "info" | "warning" | "error";
    message: string;
}

/** How the CLI's Node.js host runs the program (program-entry.ts finds these). */
export interface ProgramHost {
    /** The program's working directory (`process.chdir`, the previous one restored after). Default: the current one. */
    workingDirectory?: string;
    /** The package says `"type": "module"`: the entry's default export is the program's export. */
    esModule?: boolean;
    /** The project's own tsconfig.json, used for the project's TypeScript files. */
    tsconfig?: string;
    /** The folder holding Pulumi.yaml. Default: the entry's folder. */
    projectRoot?: string;
    /** The deployed stack's state (`plan --state`): registrations are matched with it (recording-monitor.ts). */
    prior?: PriorState;
}

// What run.js does to import an ES module from CommonJS (TypeScript would turn `import()` into `require`).
const dynamicImport = (0, eval)("(url) => import(url)") as (url: string) => Promise<Record<string, unknown>>;
let esmRuns = 0;

/**
 * Runs a Pulumi program (its `main` module) under Pulumi's runtime mocks, inside a root Stack
 * resource as the CLI's language host does, with the stack file's config, as a preview (ids and
 * computed outputs unknown) or an update, and records every registration with its parent,
 * dependencies, propertyDependencies, options and default provider, each handed to `onRecorded`
 * as it comes. A registration the engine would refuse fails the run with the engine's message.
 *
 * As @pulumi/pulumi cmd/run/run.js `run` (`runProgram`): the program runs in its working directory;
 * an exported function is called and awaited ("If the exported value was itself a Function, then
 * just execute it"), and what it returns, or what the module exports, is the stack's outputs; an
 * ES module's default export stands for the module. What the program throws, or leaves unhandled,
 * fails the run as one line (program-failure.ts).
 */
export async function runProgramUnderMocks(entry: string, project: string, stackFile: StackFile, preview = false,
    onRecorded?: (resource: RecordedResource) => void, host: ProgramHost = {}): Promise<ProgramRun> {
    const workingDirectory = path.resolve(host.workingDirectory ?? path.dirname(entry));
    refuseYarnPlugAndPlay(workingDirectory, process.cwd());
    oneSdk(workingDirectory);
    const monitor = installRecordingMocks(mocks, project, stackFile.stack, preview, { defaultProviderConfig: stackFile.config, onRecorded, prior: host.prior });
    pulumi.runtime.setAllConfig(stackFile.config, stackFile.secretKeys);
    const resolved = require.resolve(path.resolve(entry));
    const context = {
        entry: resolved, projectRoot: path.resolve(host.projectRoot ?? path.dirname(resolved)), stackFile: stackFile.file, relativeTo: process.cwd(),
    };
    const warnings: string[] = [];
    const previousDirectory = process.cwd();
    const dropProjectTsconfig = typeScriptLoader().useProjectTsconfig(context.projectRoot, host.tsconfig);
    const restoreStackTraces = stackTracesOff();
    const logs: ProgramLog[] = [];
    const restoreLog = captureLog(logs);
    const restoreStdout = stdoutToStderr();
    // Pulumi's language host runs the program in its working directory (run.js: `process.chdir(pwd)`).
    process.chdir(host.workingDirectory ?? previousDirectory);
    try {
        let outputs: unknown;
        // A registration the engine refuses rejects a promise the program never handles; Node would
        // print it and exit 1 (as if a policy had failed). Collect it and fail the run with it instead,
        // as run.js's uncaughtHandler fails the program on any unhandled rejection or exception.
        const unhandled: unknown[] = [];
        const collect = (reason: unknown) => { unhandled.push(reason); };
        process.on("unhandledRejection", collect);
        process.on("uncaughtException", collect);
        try {
            try {
                outputs = await runInPulumiStack(async () => {
                    const programExport = await loadProgram(resolved, host.esModule ?? false, warnings, context.relativeTo);
                    return programExport instanceof Function ? await programExport() : programExport;
                });
                await waitForRegistrations();
            } finally {
                // Let rejections of the last registrations reach the handler, and the same failure
                // again through the Stack's other promises when the program threw (Node reports
                // them once the current turn is over; after the handler is gone they would crash).
                await new Promise((resolve) => setImmediate(resolve));
                process.removeListener("unhandledRejection", collect);
                process.removeListener("uncaughtException", collect);
                // What the engine refused (a duplicate URN) is why the program failed, if it did.
                if (monitor.errors.length > 0) {
                    throw new EngineError(monitor.errors[0]);
                }
            }
            if (unhandled.length > 0) {
                throw unhandled[0];
            }
        } catch (error) {
            // One line, in the words of run.js (program-failure.ts).
            throw describeProgramFailure(error, context);
        }
        const resources = [...monitor.recorded];
        return { resources, programOrder: await programOrder(resources), outputs: (outputs ?? {}) as Record<string, unknown>, warnings, logs };
    } finally {
        process.chdir(previousDirectory);
        restoreStackTraces();
        restoreLog();
        restoreStdout();
        dropProjectTsconfig();
        monitor.close();
    }
}

/**
 * The program's module, loaded as run.js loads it: `require` (forgetting a previous run's copy, so
 * this one registers afresh), or `import()` for JavaScript in an ES module package, whose default
 * export, if any, is what the module exports. A TypeScript entry of an ES module package is
 * compiled to CommonJS here and read the same way.
 */
async function loadProgram(entry: string, esModule: boolean, warnings: string[], relativeTo: string): Promise<unknown> {
    // Enough frames that the program's own line is still in the stack under Node's module loader
    // (deeper on Node 22+), where program-failure.ts looks for it.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = Math.max(stackTraceLimit, 50);
    try {
        return await loadProgramModule(entry, esModule, warnings, relativeTo);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
}

async function loadProgramModule(entry: string, esModule: boolean, warnings: string[], relativeTo: string): Promise<unknown> {
    if (esModule && /\.m?js$/.test(entry)) {
        // An ES module is never unloaded; a fresh URL runs the entry again.
        const url = pathToFileURL(entry);
        url.search = `polyarch-run=${++esmRuns}`;
        return esModuleExport(await dynamicImport(url.href));
    }
    Reflect.deleteProperty(require.cache, entry);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(entry) as unknown;
    if (esModule) {
        return esModuleExport(exported as Record<string, unknown>);
    }
    const withDefault = exported as { __esModule?: boolean; default?: unknown } | undefined;
    if (withDefault?.__esModule === true && typeof withDefault.default === "function") {
        // run.js calls the module's export only if it is itself a function; a CommonJS module's
        // `export default` is a property of it (pulumi/pulumi#4017), so the CLI never calls it.
        warnings.push(`${path.relative(relativeTo, entry)}: its default export is a function, which Pulumi never calls in a CommonJS program ` +
            "(only `export =` / `module.exports =` a function is called, or a default export with \"type\": \"module\"); " +
            "what it would register is not in this plan");
    }
    return exported;
}

/** run.js: "If there is a default export, use that instead of the named exports (and error if there are both)". */
function esModuleExport(namespace: Record<string, unknown>): unknown {
    if (Object.getOwnPropertyDescriptor(namespace, "default") !== undefined) {
        if (Object.keys(namespace).length !== 1) {
            throw new Error("expected entrypoint module to have either a default export or named exports but not both");
        }
        return namespace.default;
    }
    return namespace;
}

/**
 * The recorded resources in program order: the resource tree as the program built it, each
 * resource before its children, children in the order they were constructed (the SDK's Resource
 * constructor adds each to its parent's `__childResources`, a Set kept in insertion order). The
 * order registrations reach the monitor is not the program's: a registration waits for its inputs
 * (a callback Lambda's code is serialized with real file I/O; an input may wait for a transform's
 * round trip), so two runs of one program can register in different orders; the construction of
 * the resources does not wait. A default provider (made by the monitor, not the program) comes just
 * before the first resource that uses it, as the engine registers it on that one's behalf; anything
 * else the tree does not hold keeps its place at the end.
 */
async function programOrder(resources: RecordedResource[]): Promise<number[]> {
    // `promise()` is the Output's internal accessor (what the SDK's own stack outputs await).
    type Node = { urn: { promise(): Promise<string> }; __childResources?: Set<Node> };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const state = require("@pulumi/pulumi/runtime/state") as { getStackResource(): Node | undefined };
    const nodes: Node[] = [];
    const visit = (node: Node) => {
        nodes.push(node);
        node.__childResources?.forEach(visit);
    };
    const root = state.getStackResource();
    if (root !== undefined) {
        visit(root);
    }
    // Every URN is known once the registrations are done; one that is not (a resource whose
    // registration never finished) is left out rather than waited for.
    const tick = new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)));
    const urns: (string | undefined)[] = await Promise.all(nodes.map((node) => Promise.race([node.urn.promise(), tick])));
    const position = new Map<string, number>();
    urns.forEach((urn) => {
        if (urn !== undefined && !position.has(urn)) {
            position.set(urn, position.size);
        }
    });
    const firstUse = new Map<string, number>();
    for (const r of resources) {
        const at = position.get(r.urn);
        const provider = r.provider.slice(0, r.provider.lastIndexOf("::"));
        if (at !== undefined && r.provider !== "" && !position.has(provider)) {
            firstUse.set(provider, Math.min(firstUse.get(provider) ?? Infinity, at));
        }
    }
    const ranks = resources.map((r) => position.get(r.urn) ?? (firstUse.get(r.urn) ?? Infinity) - 0.5);
    // Stable: equal ranks (only what the tree does not hold) keep the order they were recorded in.
    return resources.map((_, i) => i).sort((a, b) => (ranks[a] - ranks[b]) || a - b);
}

/**
 * Pulumi captures a full stack trace per resource (source positions for the engine's diagnostics)
 * and formats one per promise (runtime/debuggable.js `debuggablePromise`: `new Error().stack`, for
 * leak diagnostics). Under mocks nothing reads them, yet formatting them through the source maps
 * was ~80% of a large stack's run (bench/). Switches those two off until the returned function is
 * called; every other error keeps its stack (a failing program is reported with its place in the
 * user's file). The bench's floor program runs with the same setting, so the two are compared on
 * equal terms.
 */
export function stackTracesOff(): () => void {
    const resourceClass = pulumi.Resource as unknown as { callsites(): unknown[] };
    const callsites = resourceClass.callsites;
    // The SDK calls it through the module object (`debuggable_1.debuggablePromise(…)`), so replacing the export reaches every call.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (...args: unknown[]) => unknown };
    const debuggablePromise = debuggable.debuggablePromise;
    resourceClass.callsites = () => [];
    debuggable.debuggablePromise = function withoutStack(this: unknown, ...args: unknown[]) {
        const stackTraceLimit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return debuggablePromise.apply(this, args);
        } finally {
            Error.stackTraceLimit = stackTraceLimit;
        }
    };
    return () => {
        resourceClass.callsites = callsites;
        debuggable.debuggablePromise = debuggablePromise;
    };
}

/**
 * `pulumi.log` under mocks prints to the console (log/index.js: no engine, `console.log("info:
 * [runtime] …")`), which would land in the middle of the report. The engine collects them as
 * diagnostics instead; so does the gate, until the returned function is called. The SDK and the
 * program call them through the module object, so replacing its exports reaches every call.
 */
function captureLog(logs: ProgramLog[]): () => void {
    type LogFunction = (message: string, ...rest: unknown[]) => Promise<void>;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const log = require("@pulumi/pulumi/log") as Record<"debug" | "info" | "warn" | "error", LogFunction>;
    const original = { debug: log.debug, info: log.info, warn: log.warn, error: log.error };
    const keep = (severity: ProgramLog["severity"]): LogFunction => (message) => {
        logs.push({ severity, message: String(message) });
        return Promise.resolve();
    };
    log.debug = () => Promise.resolve();
    log.info = keep("info");
    log.warn = keep("warning");
    log.error = keep("error");
    return () => Object.assign(log, original);
}

/**
 * The program must import the @pulumi/pulumi the gate works in, at a version the gate was built
 * for: the recording monitor replaces a field of the SDK's internal state, and the log capture and
 * the stack-trace switch patch that copy's modules. Another copy shares the global state but not
 * the patches (its `pulumi.log` would print into the report), and another version may keep its
 * state elsewhere, leaving the plan without the program's resources. One copy at a known version
 * is what installing @polyarch/cli in the project gives (`@pulumi/pulumi` is its peer
 * dependency), as the Pulumi CLI's host loads the project's own. A program that cannot resolve it
 * at all fails on its own import, which program-failure.ts explains.
 */
function oneSdk(workingDirectory: string): void {
    const manifest = (file: string) => ({ file: fs.realpathSync(file), version: (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version });
    let theirs: { file: string; version: string };
    try {
        theirs = manifest(require.resolve("@pulumi/pulumi/package.json", { paths: [workingDirectory] }));
    } catch {
        return;
    }
    const ours = manifest(require.resolve("@pulumi/pulumi/package.json"));
    if (theirs.file !== ours.file) {
        throw new ProgramError(`the program's @pulumi/pulumi (${theirs.version}, ${path.dirname(theirs.file)}) is not the one polyarch runs it with ` +
            `(${ours.version}, ${path.dirname(ours.file)}), so the gate cannot see all it does: install @polyarch/cli in the project ` +
            "(`npm install --save-dev @polyarch/cli`), where it shares the project's @pulumi/pulumi");
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const needed = (require("../../package.json") as { peerDependencies: Record<string, string> }).peerDependencies["@pulumi/pulumi"];
    if (!pulumiSemver().satisfies(ours.version, needed)) {
        throw new ProgramError(`the project's @pulumi/pulumi is ${ours.version}; polyarch runs programs with ${needed} (its peer dependency): ` +
            `upgrade it (\`npm install @pulumi/pulumi@"${needed}"\`)`);
    }
}

/**
 * What the program prints goes to stderr while it runs, as the Pulumi CLI shows a program's output
 * among its diagnostics: stdout is the report's (`polyarch plan --json | jq`).
 */
function stdoutToStderr(): () => void {
    const write = process.stdout.write;
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
    return () => {
        process.stdout.write = write;
    };
}
