/**
 * `npm run plan -- [--stack <name>] [--json] [--update] [--registry] [--policy-pack-config FILE] [--project DIR]`
 *
 * The offline plan and policy gate: runs the real infra/ program for a stack under Pulumi's mocks,
 * as a preview (or, with --update, as `pulumi up` would once outputs are known), starts the policy
 * pack with the CLI's own launcher and speaks to it as the engine does, then prints each
 * workload's image platform and compute architecture and the verdict.
 * Exit: 0 no mandatory diagnostic, 1 at least one, 2 bad usage or config, 3 the program failed (one
 * line: a missing config value, an exception and where in the user's file), the preview itself
 * fails (as the engine would refuse it) or the gate could not run.
 */
import * as path from "path";
import { PolyarchInputError } from "../components/errors";
import { EngineError } from "./engine/urn";
import { StateFileError, readStateDocument } from "./engine/state-document";
import { GateOptions, GateReport, runGate } from "./policy-gate/gate";
import { ProgramError } from "./policy-gate/program-error";
import { ProgressLine } from "./policy-gate/progress-line";
import { renderHuman, styleFor } from "./policy-gate/render";
import { costJson } from "./cost/cost-json";
import { livePricesOrTable, tablePrices } from "./cost/live-prices";
import { renderMarkdown } from "./report/markdown";
import { didYouMean } from "./did-you-mean";

const USAGE = "usage: npm run plan -- [--stack <name>] [--json|--markdown] [--update] [--registry] [--policy-pack-config FILE] [--project DIR] " +
    "[--state FILE] [--prices table|live]";

/** Every flag parseArgs takes, for the suggestion after a mistyped one. */
const PLAN_FLAGS = ["--stack", "-s", "--json", "--markdown", "--update", "--registry", "--policy-pack-config", "--project", "--state", "--prices", "--help", "-h"];

export interface PlanArgs {
    stack: string;
    json: boolean;
    /** Analyze as `pulumi up` sends it (known outputs) instead of as a preview. */
    update: boolean;
    /** Run the registry rules against real registries. */
    registry: boolean;
    policyPackConfig?: string;
    /** Another Pulumi project to gate with the pack (default: this one). */
    project?: string;
    /** The deployed stack's `pulumi stack export`: the preview is an update's. */
    state?: string;
    /** One Markdown document (the pull request's summary) instead of the terminal report. */
    markdown: boolean;
    /** Where the cost estimate's prices come from: the dated table (default) or the AWS Price List API. */
    prices: "table" | "live";
}

export class UsageError extends Error {}

/**
 * Writes `text` and resolves once the stream has handed all of it to the OS. On a pipe Node's
 * stdout is asynchronous, so exiting right after `write()` loses whatever is still queued (a report
 * over 64 KiB was cut there); every output path waits for this before the process exits.
 */
export function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
    return new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));
}

/**
 * Where the user typed the command: paths on the command line are relative to it. `npm run plan`
 * runs the script in the package's folder and says where it was started in INIT_CWD; that is only
 * ours when npm started this very script (a test run under `npm test` inherits another's).
 */
export function invocationDirectory(env: NodeJS.ProcessEnv = process.env): string {
    return env.npm_lifecycle_event === "plan" && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/**
 * A warning when this Node.js is older than the @pulumi/pulumi the program runs with declares
 * (package.json `engines`): 3.270 needs Node 22 for closure serialization, which calls
 * `fs.promises.glob` (runtime/closure/codePaths.js `findWorkspaceRoot`), so callback Lambdas and
 * dynamic providers crash on Node 20 with an error that never names Node. Not a refusal: most
 * programs run.
 */
export function nodeVersionWarning(version: string = process.versions.node): string | undefined {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require("@pulumi/pulumi/package.json") as { version: string; engines?: { node?: string } };
    const range = sdk.engines?.node;
    // @pulumi/pulumi's own semver (what run.js checks `engines` with).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const semver = require(require.resolve("semver", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] })) as {
        satisfies(version: string, range: string): boolean; minVersion(range: string): { major: number } | null;
    };
    if (range === undefined || semver.satisfies(version, range)) {
        return undefined;
    }
    const needed = semver.minVersion(range)?.major;
    return `Node.js ${version} is older than @pulumi/pulumi ${sdk.version} supports (engines: node ${range}): its closure serialization ` +
        "(callback Lambdas such as bucket.onObjectCreated, awsx.classic, dynamic providers) calls fs.promises.glob, " +
        `which Node.js 22 added, and fails without naming Node; run with Node.js ${needed ?? range} or later`;
}

export function parseArgs(argv: string[], base: string = invocationDirectory()): PlanArgs | "help" {
    const args: PlanArgs = { stack: "dev", json: false, update: false, registry: false, markdown: false, prices: "table" };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new UsageError(`${flag} needs a value\n${USAGE}`);
            }
            return v;
        };
        switch (flag) {
            case "--stack":
            case "-s":
                args.stack = value();
                break;
            case "--json":
                args.json = true;
                break;
            case "--update":
                args.update = true;
                break;
            case "--markdown":
                args.markdown = true;
                break;
            case "--prices": {
                const source = value();
                if (source !== "table" && source !== "live") {
                    throw new UsageError(`--prices takes 'table' (the dated price table, the default) or 'live' (the AWS Price List API), got '${source}'\n${USAGE}`);
                }
                args.prices = source;
                break;
            }
            case "--registry":
                args.registry = true;
                break;
            case "--policy-pack-config":
                args.policyPackConfig = path.resolve(base, value());
                break;
            case "--project":
                args.project = path.resolve(base, value());
                break;
            case "--state":
                args.state = path.resolve(base, value());
                break;
            case "--help":
            case "-h":
                return "help";
            default:
                throw new UsageError(`unknown argument '${argv[i]}'${flag.startsWith("-") ? didYouMean(flag, PLAN_FLAGS) : ""}\n${USAGE}`);
        }
    }
    if (args.json && args.markdown) {
        throw new UsageError(`--json and --markdown each print the whole report; choose one\n${USAGE}`);
    }
    if (args.state !== undefined && args.update) {
        throw new UsageError(`--state plans the preview of an update of the deployed stack; leave out --update\n${USAGE}`);
    }
    return args;
}

/** `gate`: hooks into the gate run (the bench reads the pack's peak memory through onPackClosed). */
export async function main(argv: string[], gate: Pick<GateOptions, "onPackClosed"> = {}): Promise<number> {
    let args: PlanArgs | "help";
    try {
        args = parseArgs(argv);
    } catch (err) {
        await writeAll(process.stderr, `error: ${(err as Error).message}\n`);
        return 2;
    }
    if (args === "help") {
        await writeAll(process.stdout, `${USAGE}\n`);
        return 0;
    }
    const err = styleFor(process.stderr);
    // On a terminal (and not for --json), a status line counts registrations and verdicts.
    const line = args.json || args.markdown ? undefined : ProgressLine.for(process.stderr);
    // The first progress line means the config was valid and the program is starting.
    let programStarted = false;
    const progress = (message: string) => {
        programStarted = true;
        return line ? line.message(err.dim(message)) : process.stderr.write(`${err.dim(message)}\n`);
    };
    // Checked now, said once the program has run (or failed): with the other warnings after the two
    // progress lines, and never beside a config error or a project the gate cannot run, which stay one line.
    const nodeWarning = nodeVersionWarning();
    const nodeWarningLine = () => (nodeWarning === undefined || !programStarted ? "" : `${err.yellow(`warning: ${nodeWarning}`)}\n`);
    try {
        let report: GateReport;
        // Ctrl-C exits at once (below): the prompt must not land after a half-drawn status line.
        const clearLine = () => line?.clear();
        process.once("exit", clearLine);
        try {
            const state = args.state === undefined ? undefined : readStateDocument(args.state);
            report = await runGate({
                projectDir: args.project, stack: args.stack, policyPackConfig: args.policyPackConfig, onProgress: progress,
                onCounts: line && ((counts) => line.update(counts)),
                view: args.update ? "update" : "preview",
                registry: args.registry,
                state,
                cost: { prices: args.prices === "live" ? livePricesOrTable : tablePrices },
                ...gate,
            });
        } finally {
            process.removeListener("exit", clearLine);
            clearLine();
        }
        await writeAll(process.stderr, nodeWarningLine() + report.warnings.map((warning) => `${err.yellow(`warning: ${warning}`)}\n`).join(""));
        if (args.json) {
            // The JSON document's shape is fixed; notices go to stderr beside it.
            await writeAll(process.stderr, report.notices.map((notice) => `notice: ${notice}\n`).join(""));
            const { stack, view, resources, diagnostics, remediations, cost } = report;
            await writeAll(process.stdout, `${JSON.stringify({ stack, view, resources, diagnostics, remediations, cost: cost && costJson(cost) }, null, 2)}\n`);
        } else if (args.markdown) {
            await writeAll(process.stdout, await renderMarkdown(report));
        } else {
            await writeAll(process.stdout, `${renderHuman(report, styleFor(process.stdout))}\n`);
        }
        return report.diagnostics.some((d) => d.level === "mandatory") ? 1 : 0;
    } catch (error) {
        if (PolyarchInputError.isInstance(error) || error instanceof StateFileError) {
            await writeAll(process.stderr, `error: ${error.message}\n`);
            return 2;
        }
        if (error instanceof EngineError) {
            await writeAll(process.stderr, `error: preview failed: ${error.message}\n`);
            return 3;
        }
        if (ProgramError.isInstance(error)) {
            // The program could not run or failed: one line, its own message (program-failure.ts).
            await writeAll(process.stderr, `error: ${error.message}\n${nodeWarningLine()}`);
            return 3;
        }
        await writeAll(process.stderr, `error: the gate could not run: ${(error as Error).message ?? String(error)}\n${nodeWarningLine()}`);
        return 3;
    }
}

/** Runs a command's `main` as the process: its exit code, exit 3 on what it did not catch. */
export function runCommand(command: (argv: string[]) => Promise<number>): void {
    // Ctrl-C: exit through process.exit so the pack (killed on 'exit') never outlives us.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => process.exit(130));
    }
    command(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
        writeAll(process.stderr, `error: ${String(error)}\n`).finally(() => process.exit(3));
    });
}

if (require.main === module) {
    runCommand((argv) => main(argv));
}
