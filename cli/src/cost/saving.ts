import { CostAlternative, CostReport, ServiceCost, money } from "./estimate";

/**
 * What arm64 is worth to one service: what it saves (it runs arm64, against its x86_64 figure), what
 * it would save (it runs x86_64 and an arm64 alternative is offered), or why neither is known.
 */
export type ArmSaving =
    | { kind: "saves"; usd: number; percent: number; versus: CostAlternative }
    | { kind: "available"; usd: number; percent: number; via: CostAlternative }
    | { kind: "unknown"; why: string }
    | { kind: "none"; why: string };

function percent(part: number, whole: number): number {
    return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

export function armSaving(s: ServiceCost): ArmSaving {
    if (s.monthly === undefined) {
        return { kind: "none", why: "not priced" };
    }
    if (s.architecture === "arm64") {
        const x86 = s.alternatives.find((a) => a.architecture === "x86_64" && a.monthly !== undefined);
        return x86 === undefined ? { kind: "none", why: "no x86_64 figure" }
            : { kind: "saves", usd: (x86.monthly as number) - s.monthly, percent: percent((x86.monthly as number) - s.monthly, x86.monthly as number), versus: x86 };
    }
    const arm = s.alternatives.filter((a) => a.architecture === "arm64" && a.monthly !== undefined);
    const offered = arm.filter((a) => a.offered === true).sort((a, b) => (a.monthly as number) - (b.monthly as number));
    if (offered.length > 0) {
        const best = offered[0];
        return { kind: "available", usd: s.monthly - (best.monthly as number), percent: percent(s.monthly - (best.monthly as number), s.monthly), via: best };
    }
    const unknown = arm.find((a) => a.offered === "unknown");
    if (unknown !== undefined) {
        return { kind: "unknown", why: unknown.why ?? "whether its image runs on arm64 is unknown" };
    }
    const refused = s.alternatives.find((a) => a.architecture === "arm64" && a.offered === false);
    return { kind: "none", why: refused?.why ?? "no arm64 alternative" };
}

/** One cell: "$0.67 (16%) saved", "$21.10 (41%) available on ecs-express", "unknown", "-". */
export function savingText(saving: ArmSaving): string {
    switch (saving.kind) {
        case "saves":
            return `${money(saving.usd)} (${saving.percent}% of x86_64) saved`;
        case "available":
            return `${money(saving.usd)} (${saving.percent}%) available on ${saving.via.target}`;
        case "unknown":
            return "unknown";
        default:
            return "-";
    }
}

/** The other architecture's figure for the table: "x86_64 $4.21", "ecs-express arm64 $30.00". */
export function alternativeText(s: ServiceCost): string {
    const saving = armSaving(s);
    const shown = saving.kind === "saves" ? saving.versus : saving.kind === "available" ? saving.via
        : s.alternatives.find((a) => a.monthly !== undefined && a.offered !== false);
    if (shown === undefined) {
        return "-";
    }
    return `${shown.target === s.target ? "" : `${shown.target} `}${shown.architecture} ${money(shown.monthly)}`;
}

/** The totals line's figures. */
export function totalsText(cost: CostReport): string {
    return `total ${money(cost.total)} a month; all on x86_64: ${money(cost.totalIfAllX86)}; all on arm64 where it can run: ${money(cost.totalIfAllArm64)}` +
        unpricedText(cost);
}

/** What the totals leave out, or nothing. */
export function unpricedText(cost: CostReport): string {
    return cost.unpriced.length === 0 ? "" : ` (not counted, not priced: ${cost.unpriced.join(", ")})`;
}
