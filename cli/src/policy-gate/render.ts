import { GateReport } from "./gate";
import { renderCost } from "../cost/render-cost";
import { Style, table } from "./text-table";
export { Style, styleFor, table } from "./text-table";

/** The human report: one row per workload, then diagnostics grouped by level, each with its fix. */
export function renderHuman(report: GateReport, style: Style, command: "plan" | "audit" = "plan"): string {
    const out: string[] = [];
    // The project planned (Pulumi.yaml's name), not this tool: `--project` plans any project.
    out.push(style.bold(`${report.project} ${command} — stack ${report.stack}`) + style.dim(`  (policy config: ${report.configSource})`));
    if (report.usedPackDefaults) {
        out.push(style.yellow(`notice: no --policy-pack-config and no config/${report.stack}.json in the pack's sources; using the pack's default levels`));
    }
    for (const notice of report.notices) {
        out.push(style.yellow(`notice: ${notice}`));
    }
    out.push("");
    if (report.services.length > 0) {
        // With --state, each workload's step comes first after its name.
        const actions = report.services.some((s) => s.action !== undefined);
        const headers = ["SERVICE", ...(actions ? ["ACTION"] : []), "TARGET", "IMAGE PLATFORM", "COMPUTE ARCH", "RUNS ON", "VERDICT"];
        const rows = report.services.map((s) => [s.service, ...(actions ? [s.action ?? "create"] : []), s.target, s.imagePlatform,
            s.computeArchitecture, s.runsOn, s.verdict]);
        out.push(table(headers, rows, (text, column, row) => {
            if (column !== headers.length - 1) {
                return text;
            }
            const verdict = report.services[row].verdict;
            return verdict === "ok" ? style.green(text) : verdict === "mandatory" ? style.red(text) : style.yellow(text);
        }));
        out.push("");
    }
    for (const level of ["mandatory", "advisory"] as const) {
        const found = report.diagnostics.filter((d) => d.level === level);
        if (found.length === 0) {
            continue;
        }
        const color = level === "mandatory" ? style.red : style.yellow;
        out.push(color(style.bold(`${level} (${found.length})`)));
        for (const d of found) {
            out.push(`  ${color("•")} [${d.policyPack === undefined ? "" : `${d.policyPack}: `}${d.policy}] ${d.message}`);
            out.push(style.dim(`    ${d.urn}`));
        }
        out.push("");
    }
    if (report.cost !== undefined) {
        out.push(...renderCost(report.cost, style));
    }
    const verdict = verdictOf(report);
    out.push(verdict.pass ? style.green(style.bold(verdict.line)) : style.red(style.bold(verdict.line)));
    return out.join("\n");
}

/** The report's last line, as every rendering says it: PASS or FAIL, the counts, over what. */
export function verdictOf(report: GateReport): { pass: boolean; line: string } {
    const mandatory = report.diagnostics.filter((d) => d.level === "mandatory").length;
    const advisory = report.diagnostics.filter((d) => d.level === "advisory").length;
    const over = `over ${report.resources.length} ${report.resources.length === 1 ? "resource" : "resources"}` +
        (report.services.length === 0 && report.diagnostics.length === 0 ? ", none of which runs an image (nothing checked)" : "");
    return { pass: mandatory === 0, line: `${mandatory > 0 ? "FAIL" : "PASS"}: ${mandatory} mandatory, ${advisory} advisory diagnostic(s) ${over}` };
}
