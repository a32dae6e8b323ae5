import * as http from "http";
import { AddressInfo } from "net";

/** One product as the Price List API's GetProducts returns it (aws_v1 format), each a JSON string in PriceList. */
export interface FakeProduct {
    serviceCode: string;
    productFamily: string;
    attributes: Record<string, string>;
    /** First tier's USD price; a second tier is added above it, as Lambda's duration has. */
    usd: string;
}

let sku = 0;

/** The document GetProducts returns for one product: product, serviceCode, terms.OnDemand.<offer>.priceDimensions. */
export function priceListItem(p: FakeProduct): string {
    const id = `FAKESKU${++sku}`;
    const offer = `${id}.JRTCKXETXF`;
    return JSON.stringify({
        product: { productFamily: p.productFamily, attributes: { servicecode: p.serviceCode, ...p.attributes }, sku: id },
        serviceCode: p.serviceCode,
        terms: {
            OnDemand: {
                [offer]: {
                    priceDimensions: {
                        // A higher tier first: the first tier is found by its beginRange, not its place.
                        [`${offer}.TIER2`]: { unit: "Units", beginRange: "6000000000", endRange: "15000000000", pricePerUnit: { USD: "0.0000000001" }, appliesTo: [], description: "tier 2" },
                        [`${offer}.6YS6EN2CT7`]: { unit: "Units", beginRange: "0", endRange: "6000000000", pricePerUnit: { USD: p.usd }, appliesTo: [], description: "tier 1" },
                    },
                    sku: id, effectiveDate: "2026-11-01T00:00:00Z", offerTermCode: "JRTCKXETXF", termAttributes: {},
                },
            },
        },
        version: "20261101000000",
        publicationDate: "2026-11-01T00:00:00Z",
    });
}

/**
 * A fake of the AWS Price List Query API on loopback: the awsJson1_1 protocol the SDK speaks
 * (POST /, X-Amz-Target: AWSPriceListService.GetProducts), TERM_MATCH filters over a product's
 * attributes (and productFamily), pages of MaxResults with NextToken.
 */
export class FakePricing {
    products: FakeProduct[] = [];
    requests: { target: string; body: { ServiceCode?: string; Filters?: { Type: string; Field: string; Value: string }[]; NextToken?: string; MaxResults?: number } }[] = [];
    /** Answer every call with this error (e.g. AccessDeniedException) instead. */
    failWith?: { status: number; type: string; message: string };
    private server = http.createServer((req, res) => {
        let raw = "";
        req.on("data", (chunk) => (raw += chunk));
        req.on("end", () => {
            const target = String(req.headers["x-amz-target"] ?? "");
            const body = JSON.parse(raw || "{}");
            this.requests.push({ target, body });
            const send = (status: number, doc: unknown, type?: string) => {
                res.writeHead(status, { "content-type": "application/x-amz-json-1.1", ...(type ? { "x-amzn-errortype": type } : {}) });
                res.end(JSON.stringify(doc));
            };
            if (this.failWith !== undefined) {
                return send(this.failWith.status, { __type: this.failWith.type, message: this.failWith.message }, this.failWith.type);
            }
            if (target !== "AWSPriceListService.GetProducts") {
                return send(400, { __type: "UnknownOperationException" }, "UnknownOperationException");
            }
            const matching = this.products.filter((p) => p.serviceCode === body.ServiceCode && (body.Filters ?? []).every((f: { Field: string; Value: string }) =>
                (f.Field === "productFamily" ? p.productFamily : p.attributes[f.Field]) === f.Value));
            const start = Number(body.NextToken ?? "0");
            const size = Math.min(body.MaxResults ?? 100, 2);
            const page = matching.slice(start, start + size);
            send(200, {
                FormatVersion: "aws_v1",
                PriceList: page.map(priceListItem),
                ...(start + size < matching.length ? { NextToken: String(start + size) } : {}),
            });
        });
    });

    async start(): Promise<string> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}
