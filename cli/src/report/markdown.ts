/**
 * `npm run plan -- --markdown`: the plan as one Markdown document, the pull request's summary
 * (GitHub's job summary and the plan comment). Built as a Markdown syntax tree (mdast) and written
 * by mdast-util-to-markdown with GFM tables, so whatever a resource name or a policy message holds
 * (`|`, `*`, backticks, `<`) is escaped by the library that defines the syntax, not by hand.
 */
import type { ListItem, PhrasingContent, Root, RootContent, TableCell, TableRow } from "mdast";
import { CostReport, money } from "../cost/estimate";
import { costHeading } from "../cost/render-cost";
import { armSaving, savingText } from "../cost/saving";
import { GateReport } from "../policy-gate/gate";
import { verdictOf } from "../policy-gate/render";

const text = (value: string): PhrasingContent => ({ type: "text", value });
const code = (value: string): PhrasingContent => ({ type: "inlineCode", value });
const strong = (value: string): PhrasingContent => ({ type: "strong", children: [text(value)] });
const paragraph = (...children: PhrasingContent[]): RootContent => ({ type: "paragraph", children });
const heading = (depth: 2 | 3, value: string): RootContent => ({ type: "heading", depth, children: [text(value)] });
const cell = (value: string | PhrasingContent): TableCell => ({ type: "tableCell", children: [typeof value === "string" ? text(value) : value] });
const row = (cells: (string | PhrasingContent)[]): TableRow => ({ type: "tableRow", children: cells.map(cell) });
const list = (items: PhrasingContent[][]): RootContent => ({
    type: "list", ordered: false, spread: false,
    children: items.map((children): ListItem => ({ type: "listItem", spread: false, children: [{ type: "paragraph", children }] })),
});

function tableOf(headers: string[], rows: (string | PhrasingContent)[][], right: number[] = []): RootContent {
    return { type: "table", align: headers.map((_, i) => (right.includes(i) ? "right" : null)), children: [row(headers), ...rows.map(row)] };
}

function costSection(cost: CostReport): RootContent[] {
    if (cost.unavailable !== undefined) {
        return [heading(3, "Cost"), paragraph(text(cost.unavailable))];
    }
    const lines: PhrasingContent[][] = [
        ...cost.nodeGroups.map((g) => [text(`node group ${g.nodeGroup}: ${money(g.monthly)} (${g.basis})`)]),
        ...cost.shared.map((s) => [text(`${s.item}: ${money(s.monthly)} (${s.basis})`)]),
    ];
    return [
        heading(3, "Cost"),
        paragraph(text(costHeading(cost).replace(/^cost: /, ""))),
        tableOf(["Stack", "Monthly"], [
            ["Today", strong(money(cost.total))],
            ["All on x86_64", money(cost.totalIfAllX86)],
            ["All on arm64 where it can run", money(cost.totalIfAllArm64)],
        ], [1]),
        ...(lines.length === 0 ? [] : [list(lines)]),
        ...(cost.unpriced.length === 0 ? [] : [paragraph(text(`Not counted, not priced: ${cost.unpriced.join(", ")}.`))]),
    ];
}

export function markdownTree(report: GateReport): Root {
    const verdict = verdictOf(report);
    const children: RootContent[] = [
        heading(2, `${report.project} plan — stack ${report.stack}`),
        paragraph(strong(verdict.pass ? "PASS" : "FAIL"), text(verdict.line.slice(4)), text(` (policy config: ${report.configSource})`)),
    ];
    if (report.notices.length > 0) {
        children.push(list(report.notices.map((notice) => [text(`notice: ${notice}`)])));
    }
    if (report.services.length > 0) {
        const costs = new Map((report.cost?.services ?? []).map((s) => [s.urn, s]));
        children.push(heading(3, "Services"), tableOf(
            ["Service", "Architecture", "Runs on", "Verdict", "Monthly", "Available saving"],
            report.services.map((s) => {
                const cost = costs.get(s.urn);
                return [s.service, s.computeArchitecture, s.runsOn, s.verdict, money(cost?.monthly), cost === undefined ? "-" : savingText(armSaving(cost))];
            }),
            [4],
        ));
    }
    for (const level of ["mandatory", "advisory"] as const) {
        const found = report.diagnostics.filter((d) => d.level === level);
        if (found.length > 0) {
            children.push(heading(3, `${level === "mandatory" ? "Mandatory" : "Advisory"} (${found.length})`),
                list(found.map((d) => [code(d.policy), text(` ${d.message} `), code(d.urn)])));
        }
    }
    if (report.cost !== undefined) {
        children.push(...costSection(report.cost));
    }
    return { type: "root", children };
}

export async function renderMarkdown(report: GateReport): Promise<string> {
    // Loaded when asked for (ES modules, required from CommonJS): the terminal report does not need them.
    const [{ toMarkdown }, { gfmTableToMarkdown }] = await Promise.all([import("mdast-util-to-markdown"), import("mdast-util-gfm-table")]);
    return toMarkdown(markdownTree(report), { extensions: [gfmTableToMarkdown()] });
}
