/**
 * `--prices live`: the stack region's current prices from the AWS Price List Query API
 * (`GetProducts`), with the deployer's credentials; the dated table for whatever it cannot answer,
 * said in a notice. Each price is the products' first on-demand tier (beginRange 0), as the table's.
 */
import type { PricingClient } from "@aws-sdk/client-pricing";
import { ARCHITECTURES, Architecture, instanceTypeArchitecture } from "@polyarch/platform";
import { LAMBDA_MANAGED_INSTANCES_FEE, PRICES_AS_OF, PRICE_ITEMS, PriceItem, PriceRow, pricesFor } from "@polyarch/platform";
import { PriceBook } from "./price-book";

export interface PriceLookup {
    book?: PriceBook;
    notices: string[];
}

/** The dated table's prices (the default). */
export function tablePrices(region: string | undefined): Promise<PriceLookup> {
    return Promise.resolve({ book: region === undefined ? undefined : PriceBook.fromTable(region), notices: [] });
}

/** The prices an estimate of a program needs in a region: every kind, both architectures, and its instance types. */
export function wantedRows(region: string, instanceTypes: readonly string[]): PriceRow[] {
    const row = (item: PriceItem, extra: Partial<PriceRow> = {}): PriceRow =>
        ({ region, item, usd: Number.NaN, unit: PRICE_ITEMS[item].unit, source: PRICE_ITEMS[item].source, ...extra });
    return [
        ...ARCHITECTURES.map((architecture) => row("lambda-gb-second", { architecture })),
        row("lambda-requests"),
        row("lambda-managed-instances-fee"),
        ...ARCHITECTURES.flatMap((architecture) => [row("fargate-vcpu-hour", { architecture }), row("fargate-gb-hour", { architecture })]),
        row("apprunner-vcpu-hour"),
        row("apprunner-gb-hour"),
        row("eks-cluster-hour"),
        row("alb-hour"),
        ...[...new Set(instanceTypes)].map((instanceType) => row("ec2-hour", { instanceType, architecture: instanceTypeArchitecture(instanceType) })),
    ];
}

/**
 * The Price List API answers from us-east-1 (and eu-central-1, ap-south-1) for every region;
 * `AWS_ENDPOINT_URL_PRICING` (the SDK's per-service endpoint setting) points it elsewhere.
 */
export const PRICING_API_REGION = "us-east-1";

/** One price: the products of a service in a region, narrowed by attributes the API matches exactly, then by `pick`. */
interface PriceQuery {
    item: PriceItem;
    architecture?: Architecture;
    instanceType?: string;
    serviceCode: string;
    filters: Record<string, string>;
    /** Which of the returned products is this price (usage types carry a region prefix: matched by their end). */
    pick(attributes: Record<string, string>): boolean;
    /** The API's unit to the table's (Lambda requests: per request → per million). */
    scale?: number;
}

const usageEnds = (suffix: RegExp) => (a: Record<string, string>) => suffix.test(a.usagetype ?? "");

function queries(row: PriceRow): PriceQuery | undefined {
    const arm = row.architecture === "arm64";
    switch (row.item) {
        case "lambda-gb-second":
            return { ...row, serviceCode: "AWSLambda", filters: { group: arm ? "AWS-Lambda-Duration-ARM" : "AWS-Lambda-Duration" },
                pick: usageEnds(arm ? /Lambda-GB-Second-ARM$/ : /Lambda-GB-Second$/) };
        case "lambda-requests":
            return { ...row, serviceCode: "AWSLambda", filters: { group: "AWS-Lambda-Requests" }, pick: usageEnds(/Request$/), scale: 1e6 };
        case "fargate-vcpu-hour":
            return { ...row, serviceCode: "AmazonECS", filters: {},
                pick: usageEnds(arm ? /(^|-)Fargate-ARM-vCPU-Hours:perCPU$/ : /(^|-)Fargate-vCPU-Hours:perCPU$/) };
        case "fargate-gb-hour":
            return { ...row, serviceCode: "AmazonECS", filters: {}, pick: usageEnds(arm ? /(^|-)Fargate-ARM-GB-Hours$/ : /(^|-)Fargate-GB-Hours$/) };
        case "apprunner-vcpu-hour":
            return { ...row, serviceCode: "AWSAppRunner", filters: {}, pick: usageEnds(/(^|-)AppRunner-vCPU-Hours$/i) };
        case "apprunner-gb-hour":
            return { ...row, serviceCode: "AWSAppRunner", filters: {}, pick: usageEnds(/(^|-)AppRunner-GB-Hours$/i) };
        case "eks-cluster-hour":
            return { ...row, serviceCode: "AmazonEKS", filters: {}, pick: usageEnds(/(^|-)AmazonEKS-Hours:perCluster$/) };
        case "alb-hour":
            return { ...row, serviceCode: "AWSELB", filters: { productFamily: "Load Balancer-Application" }, pick: usageEnds(/(^|-)LoadBalancerUsage$/) };
        case "ec2-hour":
            return { ...row, serviceCode: "AmazonEC2",
                filters: { instanceType: row.instanceType ?? "", operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used" },
                pick: (a) => a.instanceType === row.instanceType && (a.licenseModel === undefined || a.licenseModel === "No License required") };
        default:
            // The management fee is a percentage, not a product: the table's.
            return undefined;
    }
}

interface PriceListItem {
    product?: { attributes?: Record<string, string> };
    terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { beginRange?: string; pricePerUnit?: { USD?: string } }> }> };
}

/** The first tier's USD price of a product, or undefined. */
function firstTier(item: PriceListItem): number | undefined {
    for (const term of Object.values(item.terms?.OnDemand ?? {})) {
        for (const dimension of Object.values(term.priceDimensions ?? {})) {
            const usd = Number(dimension.pricePerUnit?.USD);
            if ((dimension.beginRange ?? "0") === "0" && Number.isFinite(usd) && usd > 0) {
                return usd;
            }
        }
    }
    return undefined;
}

async function products(client: PricingClient, serviceCode: string, filters: Record<string, string>): Promise<PriceListItem[]> {
    const items: PriceListItem[] = [];
    let nextToken: string | undefined;
    // Loaded when asked for: the SDK is not part of every plan's start-up.
    const { GetProductsCommand } = await import("@aws-sdk/client-pricing");
    do {
        const page = await client.send(new GetProductsCommand({
            ServiceCode: serviceCode,
            FormatVersion: "aws_v1",
            Filters: Object.entries(filters).map(([Field, Value]) => ({ Type: "TERM_MATCH", Field, Value })),
            NextToken: nextToken,
            MaxResults: 100,
        }));
        for (const entry of page.PriceList ?? []) {
            items.push(JSON.parse(String(entry)) as PriceListItem);
        }
        nextToken = page.NextToken;
    } while (nextToken !== undefined && nextToken !== "");
    return items;
}

/**
 * The region's live prices for every price the estimate needs; the table's row where the API has
 * no answer (said in a notice), nothing where neither has one. Throws when the API cannot be used.
 */
export async function livePrices(region: string | undefined, instanceTypes: readonly string[], given?: PricingClient): Promise<PriceLookup> {
    if (region === undefined) {
        return { notices: [] };
    }
    const client = given ?? new (await import("@aws-sdk/client-pricing")).PricingClient({ region: PRICING_API_REGION });
    const table = new PriceBook(region, pricesFor(region), "table", PRICES_AS_OF);
    const cache = new Map<string, Promise<PriceListItem[]>>();
    const fetchOnce = (serviceCode: string, filters: Record<string, string>) => {
        const all = { ...filters, regionCode: region };
        const key = JSON.stringify([serviceCode, all]);
        let result = cache.get(key);
        if (result === undefined) {
            result = products(client, serviceCode, all);
            cache.set(key, result);
        }
        return result;
    };
    try {
        const wanted = wantedRows(region, instanceTypes);
        const from: ("api" | "table" | "nowhere" | "fee")[] = [];
        const rows = await Promise.all(wanted.map(async (wanted, index): Promise<PriceRow | undefined> => {
            const query = queries(wanted);
            const found = query === undefined ? [] : (await fetchOnce(query.serviceCode, query.filters)).filter((p) => query.pick(p.product?.attributes ?? {}));
            const perUnit = found.map(firstTier).find((price) => price !== undefined);
            if (query !== undefined && perUnit !== undefined) {
                from[index] = "api";
                return { ...wanted, usd: Number((perUnit * (query.scale ?? 1)).toPrecision(12)), source: `AWS Price List API, ${query.serviceCode}` };
            }
            // The management fee is a percentage on AWS's page, not a product, and the same in every region.
            if (query === undefined) {
                from[index] = "fee";
                return { ...wanted, usd: LAMBDA_MANAGED_INSTANCES_FEE };
            }
            const tableRow = table.row(wanted.item, wanted.architecture, wanted.instanceType);
            from[index] = tableRow === undefined ? "nowhere" : "table";
            return tableRow;
        }));
        // Named in the order they were wanted, whatever order the answers came in.
        const named = (kind: (typeof from)[number]) => wanted.filter((_, i) => from[i] === kind).map((w) =>
            `${w.item}${w.architecture && w.item !== "ec2-hour" ? ` ${w.architecture}` : ""}${w.instanceType ? ` ${w.instanceType}` : ""}`);
        const fromTable = named("table");
        const nowhere = named("nowhere");
        const notices = [
            ...(fromTable.length === 0 ? [] : [`--prices live: the Price List API had no price for ${fromTable.join(", ")} in ${region}; ` +
                `those come from the price table of ${PRICES_AS_OF}`]),
            ...(nowhere.length === 0 ? [] : [`--prices live: neither the Price List API nor the price table has ${nowhere.join(", ")} in ${region}`]),
        ];
        return { book: new PriceBook(region, rows.filter((r): r is PriceRow => r !== undefined), "live", new Date().toISOString().slice(0, 10)), notices };
    } finally {
        client.destroy();
    }
}

/** `--prices live`, falling back to the table (with a notice) when the API cannot be used. */
export async function livePricesOrTable(region: string | undefined, instanceTypes: readonly string[], client?: PricingClient): Promise<PriceLookup> {
    try {
        return await livePrices(region, instanceTypes, client);
    } catch (error) {
        const reason = (error as Error).message.split("\n")[0];
        return {
            book: region === undefined ? undefined : PriceBook.fromTable(region),
            notices: [`--prices live: the AWS Price List API could not be used (${reason}); using the price table of ${PRICES_AS_OF}`],
        };
    }
}
