/**
 * `polyarch audit FILE` (`npm run audit` here): is anything already deployed on the wrong
 * architecture? Runs the pack over a `pulumi stack export` document as `pulumi policy analyze
 * --file` does (policy-gate/audit.ts), offline, and with `--registry` reads every deployed image
 * from its registry. The report and exit codes are the plan's.
 */
import * as path from "path";
import { StateFileError, readStateDocument } from "./engine/state-document";
import { UsageError, helpText, invocationDirectory, parseCommandLine, runCommand, usageLine, writeAll } from "./command";
import { AUDIT } from "./specs";
import { runAudit } from "./policy-gate/audit";
import { InputError } from "./input-error";
import { renderHuman, styleFor } from "./policy-gate/render";


export async function main(argv: string[]): Promise<number> {
    let values: { registry?: boolean; json?: boolean; "policy-pack-config"?: string; stack?: string };
    let positionals: string[];
    try {
        const parsed = parseCommandLine(AUDIT, argv);
        if (parsed === "help") {
            await writeAll(process.stdout, helpText(AUDIT));
            return 0;
        }
        ({ values, positionals } = parsed as { values: typeof values; positionals: string[] });
        if (positionals.length !== 1) {
            throw new UsageError("give one state file (`pulumi stack export > state.json`)");
        }
    } catch (err) {
        await writeAll(process.stderr, `error: ${(err as Error).message}\n${usageLine(AUDIT)}\n`);
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
        if (error instanceof StateFileError || InputError.isInstance(error)) {
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
