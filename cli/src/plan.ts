/**
 * `polyarch plan` (`npm run plan` here): the offline plan and policy gate. Runs a Pulumi project's
 * real program for a stack under Pulumi's mocks, as a preview (or, with --update, as `pulumi up`
 * would once outputs are known), starts the policy packs as the Pulumi CLI starts them and speaks
 * to them as the engine does, then prints each workload's image platform and compute architecture,
 * what it costs, and the verdict.
 */
import * as path from "path";
import { EngineError } from "./engine/urn";
import { StateFileError, readStateDocument } from "./engine/state-document";
import { GateOptions, GateReport, runGate } from "./policy-gate/gate";
import { ProgramError } from "./policy-gate/program-error";
import { InputError } from "./input-error";
import { ProgressLine } from "./policy-gate/progress-line";
import { renderHuman, styleFor } from "./policy-gate/render";
import { costJson } from "./cost/cost-json";
import { livePricesOrTable, tablePrices } from "./cost/live-prices";
import { renderMarkdown } from "./report/markdown";
import { FlagValues, UsageError, helpText, invocationDirectory, parseCommandLine, runCommand, usageLine, writeAll } from "./command";
import { PLAN } from "./specs";
import { PackChoice, packChoices } from "./pack-choice";
import { findProjectRoot } from "./stack-file";
import { pulumiSemver } from "./pulumi-semver";

export interface PlanArgs {
    /** Undefined: the project's only stack, else `dev` (stack-file.ts defaultStack). */
    stack?: string;
    json: boolean;
    /** Analyze as `pulumi up` sends it (known outputs) instead of as a preview. */
    update: boolean;
    /** Run the registry rules against real registries. */
    registry: boolean;
    /** The policy packs to run, each with its config file. */
    packs: PackChoice[];
    /** The Pulumi project to plan (default: found from the working directory up). */
    project?: string;
    /** The deployed stack's `pulumi stack export`: the preview is an update's. */
    state?: string;
    /** One Markdown document (the pull request's summary) instead of the terminal report. */
    markdown: boolean;
    /** Where the cost estimate's prices come from: the dated table (default) or the AWS Price List API. */
    prices: "table" | "live";
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
    const semver = pulumiSemver();
    if (range === undefined || semver.satisfies(version, range)) {
        return undefined;
    }
    const needed = semver.minVersion(range)?.major;
    return `Node.js ${version} is older than @pulumi/pulumi ${sdk.version} supports (engines: node ${range}): its closure serialization ` +
        "(callback Lambdas such as bucket.onObjectCreated, awsx.classic, dynamic providers) calls fs.promises.glob, " +
        `which Node.js 22 added, and fails without naming Node; run with Node.js ${needed ?? range} or later`;
}

export function parseArgs(argv: string[], base: string = invocationDirectory()): PlanArgs | "help" {
    const parsed = parseCommandLine(PLAN, argv);
    if (parsed === "help") {
        return "help";
    }
    const { values, positionals } = parsed;
    if (positionals.length > 0) {
        throw new UsageError(`unknown argument '${positionals[0]}': plan takes flags only`);
    }
    const text = (name: string) => values[name] as string | undefined;
    const list = (name: string) => (values[name] as string[] | undefined) ?? [];
    const prices = text("prices") ?? "table";
    if (prices !== "table" && prices !== "live") {
        throw new UsageError(`--prices takes 'table' (the dated price table, the default) or 'live' (the AWS Price List API), got '${prices}'`);
    }
    const args: PlanArgs = {
        stack: text("stack"),
        json: flag(values, "json"),
        update: flag(values, "update"),
        registry: flag(values, "registry"),
        markdown: flag(values, "markdown"),
        prices,
        packs: packChoices(list("policy-pack"), list("policy-pack-config"), base),
        ...(text("project") === undefined ? {} : { project: path.resolve(base, text("project") as string) }),
        ...(text("state") === undefined ? {} : { state: path.resolve(base, text("state") as string) }),
    };
    if (args.json && args.markdown) {
        throw new UsageError("--json and --markdown each print the whole report; choose one");
    }
    if (args.state !== undefined && args.update) {
        throw new UsageError("--state plans the preview of an update of the deployed stack; leave out --update");
    }
    return args;
}

const flag = (values: FlagValues, name: string) => values[name] === true;

/** `gate`: hooks into the gate run (the bench reads the pack's peak memory through onPackClosed). */
export async function main(argv: string[], gate: Pick<GateOptions, "onPackClosed"> = {}): Promise<number> {
    let args: PlanArgs | "help";
    try {
        args = parseArgs(argv);
    } catch (err) {
        await writeAll(process.stderr, `error: ${(err as Error).message}\n${err instanceof UsageError ? `${usageLine(PLAN)}\n` : ""}`);
        return 2;
    }
    if (args === "help") {
        await writeAll(process.stdout, helpText(PLAN));
        return 0;
    }
    const err = styleFor(process.stderr);
    // On a terminal (and not for --json), a status line counts registrations and verdicts.
    const line = args.json || args.markdown ? undefined : ProgressLine.for(process.stderr);
    // The progress lines are held until the program has registered a resource (or has run): a
    // program that refuses its config before (polyarch's own validates it first) stays one line.
    let held: string[] | undefined = [];
    let programStarted = false;
    const show = (message: string) => (line ? line.message(err.dim(message)) : process.stderr.write(`${err.dim(message)}\n`));
    const release = () => {
        if (held !== undefined) {
            programStarted = true;
            const lines = held;
            held = undefined;
            lines.forEach(show);
        }
    };
    let progressed = false;
    const progress = (message: string) => {
        progressed = true;
        return held === undefined ? show(message) : held.push(message);
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
                // Without --project, the project is found from where the command was typed, up.
                projectDir: args.project ?? findProjectRoot(invocationDirectory()), stack: args.stack, packs: args.packs, onProgress: progress,
                onCounts: (counts) => {
                    // The root Stack registers before the program's module loads.
                    if (counts.registered > 1) {
                        release();
                    }
                    if (held === undefined) {
                        line?.update(counts);
                    }
                },
                view: args.update ? "update" : "preview",
                registry: args.registry,
                state,
                cost: { prices: args.prices === "live" ? livePricesOrTable : tablePrices },
                ...gate,
            });
            release();
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
        // A refused input is one line; what failed later is said after what ran (in a log; a
        // terminal's status line is already cleared).
        if (progressed && !(InputError.isInstance(error) || error instanceof StateFileError)) {
            if (line === undefined) {
                release();
            }
            programStarted = true;
        }
        if (InputError.isInstance(error) || error instanceof StateFileError) {
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

if (require.main === module) {
    runCommand((argv) => main(argv));
}
