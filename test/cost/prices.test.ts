import { strict as assert } from "assert";
import { ARCHITECTURES, GRAVITON_X86_SIBLINGS, siblingInstanceType } from "../../components/platform";
import { PRICED_REGIONS, PRICE_ITEMS, PRICE_ROWS, PriceRow, instanceTypesToPrice, pricesFor } from "@polyarch/platform";

/** The regions issue "What arm64 saves" asks the table to cover at least. */
const REQUIRED_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1"];

function price(rows: PriceRow[], item: PriceRow["item"], architecture?: string, instanceType?: string): number {
    const row = rows.find((r) => r.item === item && (architecture === undefined || r.architecture === architecture) &&
        (instanceType === undefined || r.instanceType === instanceType));
    assert.ok(row, `${rows[0]?.region}: no ${item} ${architecture ?? ""} ${instanceType ?? ""}`);
    return row.usd;
}

/**
 * The price table (platform/prices.ts) held to what AWS itself publishes about it: Lambda's
 * arm64 duration is 20% below x86_64 ("duration charges are 20 percent lower", AWS News Blog,
 * 2021-09-29); Fargate ARM about 20% below x86 per vCPU-hour and per GB-hour; a Graviton instance
 * below its x86 sibling of the same size.
 */
describe("the price table", () => {
    it("prices every region the issue names, and each row names its AWS pricing page", () => {
        for (const region of REQUIRED_REGIONS) {
            assert.ok(PRICED_REGIONS.includes(region), `no prices for ${region}`);
        }
        for (const row of PRICE_ROWS) {
            assert.match(row.source, /^https:\/\/aws\.amazon\.com\/[a-z0-9/-]+\/$/, `${row.region} ${row.item}: ${row.source}`);
            assert.equal(row.source, PRICE_ITEMS[row.item].source);
            assert.ok(Number.isFinite(row.usd) && row.usd > 0, `${row.region} ${row.item} ${row.instanceType ?? ""}: ${row.usd}`);
        }
    });

    for (const region of REQUIRED_REGIONS) {
        describe(region, () => {
            const rows = pricesFor(region);

            it("Lambda arm64 duration is 20% below x86_64 at the first tier; requests cost the same on both", () => {
                const ratio = price(rows, "lambda-gb-second", "arm64") / price(rows, "lambda-gb-second", "x86_64");
                assert.ok(Math.abs(ratio - 0.8) < 0.0005, `arm64/x86_64 = ${ratio}`);
            });

            it("Fargate ARM is about 20% below x86 per vCPU-hour and per GB-hour (where the table has both)", () => {
                for (const item of ["fargate-vcpu-hour", "fargate-gb-hour"] as const) {
                    const arm = rows.find((r) => r.item === item && r.architecture === "arm64");
                    const x86 = price(rows, item, "x86_64");
                    if (arm !== undefined) {
                        const ratio = arm.usd / x86;
                        assert.ok(ratio > 0.78 && ratio < 0.82, `${item}: ARM/x86 = ${ratio}`);
                    }
                }
            });

            it("each Graviton instance type is below its x86 sibling of the same size (where the table has both)", () => {
                for (const row of rows.filter((r) => r.item === "ec2-hour" && r.architecture === "arm64")) {
                    const sibling = siblingInstanceType(row.instanceType as string, "x86_64");
                    assert.ok(sibling, `${row.instanceType} has no x86 sibling in GRAVITON_X86_SIBLINGS`);
                    const x86 = rows.find((r) => r.item === "ec2-hour" && r.instanceType === sibling);
                    if (x86 !== undefined) {
                        assert.ok(row.usd < x86.usd, `${row.instanceType} $${row.usd} is not below ${sibling} $${x86.usd}`);
                    }
                }
            });

            it("has one row per item and architecture (no duplicate that a lookup would silently pick)", () => {
                const keys = rows.map((r) => `${r.item}|${r.architecture ?? ""}|${r.instanceType ?? ""}`);
                assert.equal(new Set(keys).size, keys.length);
                assert.deepEqual(rows.filter((r) => r.item === "lambda-gb-second").map((r) => r.architecture).sort(), [...ARCHITECTURES].sort());
                assert.ok(rows.some((r) => r.item === "fargate-vcpu-hour" && r.architecture === "x86_64"), "Fargate x86 is priced");
            });
        });
    }

    it("us-east-1 prices every instance type the catalog offers, and each one's sibling", () => {
        const rows = pricesFor("us-east-1");
        for (const type of instanceTypesToPrice()) {
            price(rows, "ec2-hour", undefined, type);
        }
        assert.ok(rows.filter((r) => r.item === "ec2-hour").every((r) => siblingInstanceType(r.instanceType as string, "x86_64") !== undefined));
    });

    it("knows the sibling of every Graviton family it maps, both ways, at the same size", () => {
        for (const [graviton, x86] of Object.entries(GRAVITON_X86_SIBLINGS)) {
            assert.equal(siblingInstanceType(`${graviton}.xlarge`, "x86_64"), `${x86}.xlarge`);
            assert.equal(siblingInstanceType(`${x86}.xlarge`, "arm64"), `${graviton}.xlarge`);
            assert.equal(siblingInstanceType(`${graviton}.xlarge`, "arm64"), `${graviton}.xlarge`);
        }
        assert.equal(siblingInstanceType("x2gd.large", "x86_64"), undefined, "no sibling is guessed");
        assert.equal(siblingInstanceType("m7g.medium", "x86_64"), undefined, "m7i has no medium");
        assert.equal(siblingInstanceType("m7i.48xlarge", "arm64"), undefined, "m7g stops at 16xlarge");
        assert.equal(siblingInstanceType("m7g.metal", "x86_64"), undefined, "metal sizes differ");
        assert.equal(siblingInstanceType("t4g.medium", "x86_64"), "t3.medium");
    });
});
