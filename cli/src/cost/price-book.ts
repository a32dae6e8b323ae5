import { Architecture } from "@polyarch/platform";
import { PRICES_AS_OF, PriceItem, PriceRow, pricesFor } from "@polyarch/platform";

/**
 * The prices one estimate uses, for one region: the dated table's (platform/prices.ts) or, with
 * `--prices live`, the AWS Price List API's (live-prices.ts). Every lookup names what it needs, so
 * a missing price is reported, never read as zero.
 */
export class PriceBook {
    private readonly rows = new Map<string, PriceRow>();

    constructor(
        public readonly region: string,
        rows: readonly PriceRow[],
        /** `table` or `live`: where the prices came from. */
        public readonly source: "table" | "live",
        public readonly asOf: string,
    ) {
        for (const row of rows) {
            this.rows.set(PriceBook.key(row.item, row.architecture, row.instanceType), row);
        }
    }

    /** The table's prices for `region`, or undefined when the table has none for it. */
    static fromTable(region: string): PriceBook | undefined {
        const rows = pricesFor(region);
        return rows.length === 0 ? undefined : new PriceBook(region, rows, "table", PRICES_AS_OF);
    }

    private static key(item: PriceItem, architecture?: Architecture, instanceType?: string): string {
        // An instance type has one architecture: it alone names the price (a node group whose AMI
        // leaves its architecture unknown is still priced by its instance type).
        return item === "ec2-hour" ? `${item}||${instanceType ?? ""}` : `${item}|${architecture ?? ""}|${instanceType ?? ""}`;
    }

    /** The price, or undefined when this book has none (a region without App Runner, an instance type not in the table). */
    find(item: PriceItem, architecture?: Architecture, instanceType?: string): number | undefined {
        return this.row(item, architecture, instanceType)?.usd;
    }

    row(item: PriceItem, architecture?: Architecture, instanceType?: string): PriceRow | undefined {
        return this.rows.get(PriceBook.key(item, architecture, instanceType));
    }

    /** Why a price is missing, for an estimate's basis. */
    missing(what: string): string {
        return `no ${this.region} price for ${what} in the ${this.source === "live" ? "Price List API's answer or the price table" : "price table"}` +
            (this.source === "table" ? " (`--prices live` asks AWS's Price List API)" : "");
    }

    /** Every row, for `--prices live`'s fallback and the tests. */
    all(): PriceRow[] {
        return [...this.rows.values()];
    }
}
