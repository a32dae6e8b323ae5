import { CostReport, cents } from "./estimate";

const MONEY_KEYS = new Set(["monthly", "saving", "unallocated", "total", "totalIfAllX86", "totalIfAllArm64"]);

/** The cost section of `--json`: every amount in USD to the cent (the sums were taken before rounding). */
export function costJson(cost: CostReport): CostReport {
    // Each service's keys in the order the document names them, then its URN.
    const services = cost.services.map(({ service, target, architecture, monthly, basis, alternatives, urn }) =>
        ({ service, target, architecture, monthly, basis, alternatives, urn }));
    return JSON.parse(JSON.stringify({ ...cost, services }), (key, value: unknown) =>
        (MONEY_KEYS.has(key) && typeof value === "number" ? cents(value) : value)) as CostReport;
}
