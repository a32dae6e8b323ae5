/**
 * `npm run audit -- FILE [--registry] [--json] [--policy-pack-config F] [--stack NAME]`: is anything
 * already deployed on the wrong architecture? Runs the pack over a `pulumi stack export` document
 * as `pulumi policy analyze --file` does (tools/policy-gate/audit.ts), offline, and with
 * `--registry` reads every deployed image from its registry. The report and exit codes are the
 * plan's: 0 nothing mandatory, 1 a mandatory diagnostic, 2 a bad file or usage, 3 the pack could
 * not run.
 */
import * as path from "path";
import { parseArgs } from "util";
import { StateFileError, readStateDocument } from "./engine/state-document";
import { PolyarchInputError } from "../components/errors";
import { invocationDirectory, runCommand, writeAll } from "./plan";
import { runAudit } from "./policy-gate/audit";
import { didYouMean } from "./did-you-mean";

/** Every flag the audit takes, for the suggestion after a mistyped one. */
const AUDIT_FLAGS = ["--registry", "--json", "--policy-pack-config", "--stack", "-s", "--help", "-h"];
import { renderHuman, styleFor } from "./policy-gate/render";

const USAGE = "usage: npm run audit -- FILE [--registry] [--json] [--policy-pack-config FILE] [--stack NAME]\n" +
    "  FILE   what `pulumi stack export` writes (a version 3 deployment)\n" +
    "  --stack NAME   use policies/config/NAME.json (default: the stack the state's URNs name)";

export async function main(argv: string[]): Promise<number> {
    let values: { registry?: boolean; json?: boolean; "policy-pack-config"?: string; stack?: string; help?: boolean };
    let positionals: string[];
    try {
        ({ values, positionals } = parseArgs({
            args: argv, allowPositionals: true,
            options: {
                registry: { type: "boolean" }, json: { type: "boolean" }, "policy-pack-config": { type: "string" },
                stack: { type: "string", short: "s" }, help: { type: "boolean", short: "h" },
            },
        }));
    } catch (err) {
        // node:util parseArgs: "Unknown option '--regsitry'. …": one line, with the nearest flag.
        const unknown = (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'(-[^']*)'/.exec((err as Error).message)?.[1] : undefined;
        const message = unknown === undefined ? (err as Error).message : `unknown argument '${unknown}'${didYouMean(unknown, AUDIT_FLAGS)}`;
        await writeAll(process.stderr, `error: ${message}\n${USAGE}\n`);
        return 2;
    }
    if (values.help) {
        await writeAll(process.stdout, `${USAGE}\n`);
        return 0;
    }
    if (positionals.length !== 1) {
        await writeAll(process.stderr, `error: give one state file (\`pulumi stack export > state.json\`)\n${USAGE}\n`);
        return 2;
    }
    const base = invocationDirectory();
    const file = positionals[0];
    const err = styleFor(process.stderr);
    try {
        const state = readStateDocument(path.resolve(base, file), file);
        if (state.resources.length === 0) {
            // policy_analyze.go: nothing to analyze, no pack started, exit 0.
            await writeAll(process.stderr, `File ${file} has no resources; nothing to analyze.\n`);
            return 0;
        }
        const report = await runAudit({
            file, state, stack: values.stack, registry: values.registry ?? false,
            policyPackConfig: values["policy-pack-config"] === undefined ? undefined : path.resolve(base, values["policy-pack-config"]),
            onProgress: (message) => process.stderr.write(`${err.dim(message)}\n`),
        });
        await writeAll(process.stderr, report.warnings.map((warning) => `${err.yellow(`warning: ${warning}`)}\n`).join(""));
        if (values.json) {
            await writeAll(process.stderr, report.notices.map((notice) => `notice: ${notice}\n`).join(""));
            const { stack, view, resources, diagnostics, remediations } = report;
            await writeAll(process.stdout, `${JSON.stringify({ stack, view, resources, diagnostics, remediations }, null, 2)}\n`);
        } else {
            await writeAll(process.stdout, `${renderHuman(report, styleFor(process.stdout), "audit")}\n`);
        }
        return report.diagnostics.some((d) => d.level === "mandatory") ? 1 : 0;
    } catch (error) {
        if (error instanceof StateFileError || PolyarchInputError.isInstance(error)) {
            await writeAll(process.stderr, `error: ${error.message}\n`);
            return 2;
        }
        await writeAll(process.stderr, `error: the audit could not run: ${(error as Error).message ?? String(error)}\n`);
        return 3;
    }
}

if (require.main === module) {
    runCommand(main);
}
