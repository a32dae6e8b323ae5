import { table } from "../policy-gate/text-table";
import { CostReport, money } from "./estimate";
import { alternativeText, armSaving, savingText, totalsText } from "./saving";

interface Style {
    bold(text: string): string;
    yellow(text: string): string;
    green(text: string): string;
    dim(text: string): string;
}

/** Where the figures come from, for the section's heading. */
export function costHeading(cost: CostReport): string {
    return `cost: USD a month in ${cost.region ?? "(no region)"}, ` +
        (cost.source === "live" ? `AWS Price List API, ${cost.pricesAsOf}` : `price table of ${cost.pricesAsOf}`) +
        "; an estimate (README \"What arm64 saves\")";
}

/** The plan's cost section: one row per service, the node groups and shared fees, each figure's basis, the totals. */
export function renderCost(cost: CostReport, style: Style): string[] {
    if (cost.unavailable !== undefined) {
        return [style.yellow(`cost: ${cost.unavailable}`), ""];
    }
    const out = [style.bold(costHeading(cost))];
    if (cost.services.length > 0) {
        const rows = cost.services.map((s) => [s.service, s.target, s.architecture ?? "?", money(s.monthly), alternativeText(s), savingText(armSaving(s))]);
        out.push(table(["SERVICE", "TARGET", "ARCH", "MONTHLY", "OTHER ARCHITECTURE", "ARM64"], rows,
            (text, column, row) => (column === 5 && armSaving(cost.services[row]).kind === "saves" ? style.green(text) : text)));
    }
    for (const group of cost.nodeGroups) {
        out.push(`node group ${group.nodeGroup}: ${money(group.monthly)}` + (group.unallocated > 0.005 ? `, of which ${money(group.unallocated)} no workload requests` : ""));
    }
    for (const shared of cost.shared) {
        out.push(`${shared.item}: ${money(shared.monthly)}`);
    }
    out.push(style.bold(totalsText(cost)));
    for (const s of cost.services) {
        out.push(style.dim(`  ${s.service}: ${s.basis}`));
        for (const a of s.alternatives.filter((x) => x.why !== undefined)) {
            out.push(style.dim(`    ${a.target} ${a.architecture}: ${a.offered === "unknown" ? "unknown" : "not offered"}: ${a.why}`));
        }
    }
    for (const item of [...cost.nodeGroups.map((g) => ({ name: g.nodeGroup, basis: g.basis })), ...cost.shared.map((s) => ({ name: s.item, basis: s.basis }))]) {
        out.push(style.dim(`  ${item.name}: ${item.basis}`));
    }
    out.push("");
    return out;
}
