import { GateReport } from "./gate";

interface Style {
    bold(text: string): string;
    red(text: string): string;
    yellow(text: string): string;
    green(text: string): string;
    dim(text: string): string;
}

/** ANSI colour only where a person reads a terminal (and NO_COLOR is unset). */
export function styleFor(stream: NodeJS.WriteStream): Style {
    const on = Boolean(stream.isTTY) && process.env.NO_COLOR === undefined;
    const wrap = (code: string) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
    return { bold: wrap("1"), red: wrap("31"), yellow: wrap("33"), green: wrap("32"), dim: wrap("2") };
}

export function table(headers: string[], rows: string[][], cell: (text: string, column: number, row: number) => string): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (values: string[], styled: (t: string, c: number) => string) =>
        values.map((v, i) => styled(v.padEnd(widths[i]), i)).join("  ").trimEnd();
    return [line(headers, (t) => t), line(widths.map((w) => "-".repeat(w)), (t) => t),
        ...rows.map((r, rowIndex) => line(r, (t, c) => cell(t, c, rowIndex)))].join("\n");
}

/** The human report: one row per workload, then diagnostics grouped by level, each with its fix. */
export function renderHuman(report: GateReport, style: Style, command: "plan" | "audit" = "plan"): string {
    const out: string[] = [];
    // The project planned (Pulumi.yaml's name), not this tool: `--project` plans any project.
    out.push(style.bold(`${report.project} ${command} — stack ${report.stack}`) + style.dim(`  (policy config: ${report.configSource})`));
    if (report.usedPackDefaults) {
        out.push(style.yellow(`notice: no policies/config/${report.stack}.json and no --policy-pack-config; using the pack's default levels`));
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
            out.push(`  ${color("•")} [${d.policy}] ${d.message}`);
            out.push(style.dim(`    ${d.urn}`));
        }
        out.push("");
    }
    const mandatory = report.diagnostics.filter((d) => d.level === "mandatory").length;
    const advisory = report.diagnostics.filter((d) => d.level === "advisory").length;
    const over = `over ${report.resources.length} ${report.resources.length === 1 ? "resource" : "resources"}` +
        (report.services.length === 0 && report.diagnostics.length === 0 ? ", none of which runs an image (nothing checked)" : "");
    out.push(mandatory > 0
        ? style.red(style.bold(`FAIL: ${mandatory} mandatory, ${advisory} advisory diagnostic(s) ${over}`))
        : style.green(style.bold(`PASS: 0 mandatory, ${advisory} advisory diagnostic(s) ${over}`)));
    return out.join("\n");
}
