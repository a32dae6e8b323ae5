import { CostReport, cents } from "./estimate";

const MONEY_KEYS = new Set(["monthly", "saving", "unallocated", "total", "totalIfAllX86", "totalIfAllArm64"]);

/** The cost section of `--json`: every amount in USD to the cent (the sums were taken before rounding). */
export function costJson(cost: CostReport): CostReport {
    return JSON.parse(JSON.stringify(cost), (key, value: unknown) => (MONEY_KEYS.has(key) && typeof value === "number" ? cents(value) : value)) as CostReport;
}
