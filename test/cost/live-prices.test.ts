import { strict as assert } from "assert";
import { PricingClient } from "@aws-sdk/client-pricing";
import { PRICES_AS_OF, pricesFor } from "@polyarch/platform";
import { livePrices, livePricesOrTable } from "../../cli/src/cost/live-prices";
import { FakePricing, FakeProduct } from "../support/fake-pricing";

const REGION = "us-east-1";
/** The instance types a program's estimate asks for (estimate.ts instanceTypesToAsk). */
const TYPES = ["m7g.large", "m7i.large", "m6g.large", "m6i.large", "t3.medium", "t4g.medium", "m7g.xlarge", "m7i.xlarge", "c7g.xlarge", "c7i.xlarge"];

/** What the Price List API lists for us-east-1 (prices made different from the table's, to tell them apart), and noise around it. */
function products(): FakeProduct[] {
    const lambda = (group: string, usagetype: string, usd: string, regionCode = REGION): FakeProduct =>
        ({ serviceCode: "AWSLambda", productFamily: "Serverless", attributes: { regionCode, group, usagetype, location: "US East (N. Virginia)" }, usd });
    const ecs = (usagetype: string, usd: string, regionCode = REGION): FakeProduct =>
        // ECS's usage types carry the region's prefix even in us-east-1 (USE1-), Lambda's and EC2's do not there.
        ({ serviceCode: "AmazonECS", productFamily: "Compute", attributes: { regionCode, usagetype: `USE1-${usagetype}` }, usd });
    const ec2 = (instanceType: string, usd: string, extra: Record<string, string> = {}): FakeProduct => ({
        serviceCode: "AmazonEC2", productFamily: "Compute Instance",
        attributes: { regionCode: REGION, instanceType, operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used",
            licenseModel: "No License required", usagetype: `BoxUsage:${instanceType}`, ...extra }, usd,
    });
    return [
        lambda("AWS-Lambda-Duration", "Lambda-GB-Second", "0.0000150000"),
        lambda("AWS-Lambda-Duration-ARM", "Lambda-GB-Second-ARM", "0.0000120000"),
        lambda("AWS-Lambda-Duration-ARM", "USW2-Lambda-GB-Second-ARM", "0.0000999999", "us-west-2"),
        lambda("AWS-Lambda-Requests", "Request", "0.0000002000"),
        lambda("AWS-Lambda-Duration-Provisioned", "Lambda-Provisioned-GB-Second", "0.0000041667"),
        ecs("Fargate-vCPU-Hours:perCPU", "0.0400000"),
        ecs("Fargate-GB-Hours", "0.0044000"),
        ecs("Fargate-ARM-vCPU-Hours:perCPU", "0.0320000"),
        ecs("Fargate-ARM-GB-Hours", "0.0035000"),
        ecs("Fargate-EphemeralStorage-GB-Hours", "0.0001110"),
        ecs("Fargate-Windows-vCPU-Hours:perCPU", "0.0465520"),
        { serviceCode: "AmazonEKS", productFamily: "Compute", attributes: { regionCode: REGION, usagetype: "USE1-AmazonEKS-Hours:perCluster" }, usd: "0.1000000000" },
        { serviceCode: "AWSELB", productFamily: "Load Balancer-Application", attributes: { regionCode: REGION, usagetype: "LoadBalancerUsage" }, usd: "0.0225000000" },
        { serviceCode: "AWSELB", productFamily: "Load Balancer-Application", attributes: { regionCode: REGION, usagetype: "LCUUsage" }, usd: "0.0080000000" },
        ec2("m7g.large", "0.0700000000"),
        ec2("m7g.large", "0.2000000000", { licenseModel: "Bring your own license" }),
        ec2("m6g.large", "0.0770000000"), ec2("m7i.large", "0.1008000000"), ec2("m6i.large", "0.0960000000"),
        ec2("t3.medium", "0.0416000000"), ec2("t4g.medium", "0.0336000000"),
        ec2("m7g.xlarge", "0.1632000000"), ec2("m7i.xlarge", "0.2016000000"), ec2("c7g.xlarge", "0.1450000000"), ec2("c7i.xlarge", "0.1785000000"),
    ];
}

/**
 * `--prices live` (live-prices.ts) against a local fake of the Price List Query API: the requests
 * the SDK sends, the products' first tier read from the documented aws_v1 shape, and the table as
 * the fallback for what the API does not answer, or when it cannot be used at all.
 */
describe("--prices live (the AWS Price List API)", function () {
    this.timeout(30_000);
    let fake: FakePricing;
    let endpoint: string;
    const client = () => new PricingClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "AKIAFAKE", secretAccessKey: "fake" }, maxAttempts: 1 });

    beforeEach(async () => {
        fake = new FakePricing();
        fake.products = products();
        endpoint = await fake.start();
    });
    afterEach(() => fake.stop());

    it("reads each price's first tier for the stack's region, across pages, and names what came from the table", async () => {
        const { book, notices } = await livePrices(REGION, TYPES, client());
        assert.ok(book);
        assert.equal(book.source, "live");
        assert.equal(book.find("lambda-gb-second", "arm64"), 0.000012, "the us-east-1 product, not us-west-2's, and tier 1 not tier 2");
        assert.equal(book.find("lambda-gb-second", "x86_64"), 0.000015);
        assert.equal(book.find("lambda-requests"), 0.2, "the API prices one request; the table a million");
        assert.equal(book.find("fargate-vcpu-hour", "arm64"), 0.032);
        assert.equal(book.find("fargate-gb-hour", "x86_64"), 0.0044);
        assert.equal(book.find("ec2-hour", "arm64", "m7g.large"), 0.07, "Linux with no license, not the BYOL product");
        assert.equal(book.find("eks-cluster-hour"), 0.1);
        assert.equal(book.find("alb-hour"), 0.0225, "LoadBalancerUsage, not LCUUsage");
        // App Runner is not served: the table's figures, said in one notice.
        const table = pricesFor(REGION);
        assert.equal(book.find("apprunner-vcpu-hour"), table.find((r) => r.item === "apprunner-vcpu-hour")?.usd);
        assert.deepEqual(notices, [`--prices live: the Price List API had no price for apprunner-vcpu-hour, apprunner-gb-hour in ${REGION}; ` +
            `those come from the price table of ${PRICES_AS_OF}`]);
        // The management fee is a percentage on AWS's page, not a product: always the table's.
        assert.equal(book.find("lambda-managed-instances-fee"), table.find((r) => r.item === "lambda-managed-instances-fee")?.usd);
    });

    it("sends GetProducts as the API documents: aws_v1, TERM_MATCH filters with the regionCode, every page followed", async () => {
        await livePrices(REGION, TYPES, client());
        assert.ok(fake.requests.length > 0);
        for (const { target, body } of fake.requests) {
            assert.equal(target, "AWSPriceListService.GetProducts");
            assert.ok(["AWSLambda", "AmazonECS", "AWSAppRunner", "AmazonEKS", "AWSELB", "AmazonEC2"].includes(body.ServiceCode ?? ""), body.ServiceCode);
            assert.ok(body.Filters?.every((f) => f.Type === "TERM_MATCH"));
            assert.ok(body.Filters?.some((f) => f.Field === "regionCode" && f.Value === REGION));
        }
        assert.ok(fake.requests.some((r) => r.body.NextToken !== undefined), "a second page was asked for");
        const lambda = fake.requests.filter((r) => r.body.ServiceCode === "AWSLambda" && r.body.NextToken === undefined);
        assert.deepEqual(lambda.map((r) => r.body.Filters?.find((f) => f.Field === "group")?.Value).sort(),
            ["AWS-Lambda-Duration", "AWS-Lambda-Duration-ARM", "AWS-Lambda-Requests"]);
    });

    it("falls back to the table, with a notice naming why, when the API refuses the deployer's credentials", async () => {
        fake.failWith = { status: 400, type: "AccessDeniedException", message: "User is not authorized to perform: pricing:GetProducts" };
        const { book, notices } = await livePricesOrTable(REGION, TYPES, client());
        assert.equal(book?.source, "table");
        assert.deepEqual(book?.all(), pricesFor(REGION));
        assert.equal(notices.length, 1);
        assert.match(notices[0], /^--prices live: the AWS Price List API could not be used \(User is not authorized to perform: pricing:GetProducts\); using the price table of \d{4}-\d{2}-\d{2}$/);
    });

    it("prices a region the table does not cover from the API alone; without the API, says there is no price", async () => {
        fake.products = products().map((p) => ({ ...p, attributes: { ...p.attributes, regionCode: "sa-east-1" } }));
        const { book, notices } = await livePricesOrTable("sa-east-1", TYPES, client());
        assert.equal(book?.source, "live");
        assert.equal(book?.find("fargate-vcpu-hour", "arm64"), 0.032);
        assert.equal(book?.find("apprunner-vcpu-hour"), undefined);
        assert.deepEqual(notices, ["--prices live: neither the Price List API nor the price table has apprunner-vcpu-hour, apprunner-gb-hour in sa-east-1"]);
        fake.failWith = { status: 400, type: "AccessDeniedException", message: "denied" };
        const offline = await livePricesOrTable("sa-east-1", TYPES, client());
        assert.equal(offline.book, undefined, "no region's prices stand in for another's");
    });
});
