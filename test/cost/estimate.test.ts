import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalRegistry } from "../../cli/src/images/local-registry";
import { planNodeFlags } from "../../tools/plan-node-flags";
import { removeStack, stackLike } from "../support/cost-stacks";
import { packConfigWith, requireDockerRegistry } from "../support/docker-registry";
import { FakePricing, FakeProduct } from "../support/fake-pricing";
import { RegistryWriter } from "../support/oci-push";
import { REPO, plan } from "../support/plan-cli";

interface Alternative { target: string; architecture: string; monthly?: number; saving?: number; savingPercent?: number; offered: boolean | "unknown"; why?: string }
interface Service { service: string; target: string; architecture?: string; monthly?: number; basis: string; alternatives: Alternative[] }
interface Cost {
    currency: string; region?: string; pricesAsOf?: string; source: string; unavailable?: string;
    services: Service[]; nodeGroups: { nodeGroup: string; monthly?: number; unallocated: number; basis: string }[];
    shared: { item: string; monthly: number }[]; total?: number; totalIfAllX86?: number; totalIfAllArm64?: number; unpriced: string[];
}

function costOf(...args: string[]): Cost {
    const run = plan(...args, "--json");
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    return (JSON.parse(run.stdout) as { cost: Cost }).cost;
}

function service(cost: Cost, name: string): Service {
    const found = cost.services.find((s) => s.service === name);
    assert.ok(found, `${name} not in ${cost.services.map((s) => s.service).join(", ")}`);
    return found;
}

const alt = (s: Service, target: string, architecture: string) => s.alternatives.find((a) => a.target === target && a.architecture === architecture);
const usd = (n: number) => Math.round(n * 100) / 100;

/**
 * The plan's cost estimate (issue "What arm64 saves"), each figure worked out by hand below from
 * the price table's rows (platform/prices.ts) and the stack's own sizes, one service of every
 * target: the arithmetic is written out so a reader can check it against AWS's pricing pages.
 */
describe("what each service costs, and what arm64 saves", function () {
    this.timeout(300_000);
    const made: string[] = [];
    after(() => made.forEach(removeStack));
    const stack = (...args: Parameters<typeof stackLike>) => {
        const name = stackLike(...args);
        made.push(name);
        return name;
    };

    describe("dev (us-west-2, the price table)", () => {
        let cost: Cost;
        before(() => (cost = costOf("--stack", "dev")));

        it("says where its prices come from", () => {
            assert.deepEqual([cost.currency, cost.region, cost.source, cost.pricesAsOf], ["USD", "us-west-2", "table", "2026-11-28"]);
        });

        it("Lambda: 1,000,000 requests × 0.2 s × 1 GB = 200,000 GB-s; arm64 at $0.0000133334 + $0.20 of requests = $2.87, x86_64 $3.53", () => {
            const fn = service(cost, "thumbnails");
            assert.deepEqual([fn.target, fn.architecture, fn.monthly], ["lambda", "arm64", usd(200_000 * 0.0000133334 + 0.2)]);
            assert.equal(fn.monthly, 2.87);
            assert.deepEqual(alt(fn, "lambda", "x86_64"), { target: "lambda", architecture: "x86_64", monthly: 3.53, saving: -0.67, savingPercent: -23.3, offered: true });
            assert.match(fn.basis, /default requestsPerMonth, averageDurationMs/);
        });

        it("ECS Fargate: 1 task × (0.25 vCPU × $0.03238 + 0.5 GB × $0.00356) × 730 h = $7.21 on ARM, $9.01 on x86", () => {
            const ecs = service(cost, "storefront");
            assert.deepEqual([ecs.target, ecs.architecture, ecs.monthly], ["ecs", "arm64", usd((0.25 * 0.03238 + 0.5 * 0.00356) * 730)]);
            assert.equal(ecs.monthly, 7.21);
            assert.equal(alt(ecs, "ecs", "x86_64")?.monthly, usd((0.25 * 0.04048 + 0.5 * 0.004445) * 730));
            assert.equal(alt(ecs, "ecs", "x86_64")?.offered, true, "its Dockerfile cross-builds");
        });

        it("App Runner: 730 h × (1 vCPU × $0.064 + 2 GB × $0.007) = $56.94; its successors on arm64 offered, App Runner on arm64 not", () => {
            const legacy = service(cost, "storefront-legacy");
            assert.deepEqual([legacy.target, legacy.architecture, legacy.monthly], ["apprunner", "x86_64", 56.94]);
            assert.equal(legacy.monthly, usd(730 * (0.064 + 2 * 0.007)));
            const express = alt(legacy, "ecs-express", "arm64");
            // One 1 vCPU / 2 GB Fargate ARM task and the load balancer that replaces App Runner's endpoint.
            assert.deepEqual(express, { target: "ecs-express", architecture: "arm64", monthly: usd((0.03238 + 2 * 0.00356 + 0.0225) * 730),
                saving: usd(56.94 - 45.26), savingPercent: 20.5, offered: true });
            assert.equal(alt(legacy, "ecs", "arm64")?.offered, true);
            const refused = alt(legacy, "apprunner", "arm64");
            assert.equal(refused?.offered, false);
            assert.match(refused?.why ?? "", /App Runner runs only x86_64/);
        });

        it("EKS in us-west-2: m7g.large is not in the table for that region, so the node group and its workload are not priced, and the totals say so", () => {
            assert.equal(service(cost, "catalog-api").monthly, undefined);
            assert.match(service(cost, "catalog-api").basis, /^not priced: node group graviton-nodes: no us-west-2 price for m7g\.large in the price table/);
            assert.deepEqual(cost.unpriced, ["catalog-api", "node group graviton-nodes"]);
            // The cluster fee (730 h × $0.10) and the storefront's ALB (730 h × $0.0225) are shown once.
            assert.deepEqual(cost.shared.map((s) => [s.item, s.monthly]), [["Application Load Balancer storefront-lb", 16.43], ["EKS cluster eks-cluster", 73]]);
            assert.equal(cost.total, usd(200_000 * 0.0000133334 + 0.2 + (0.25 * 0.03238 + 0.5 * 0.00356) * 730 + 56.94 + 73 + 0.0225 * 730));
        });

        it("the human report prints the cost table after the verdicts and before the final line", () => {
            const run = plan("--stack", "dev");
            const lines = run.stdout.trimEnd().split("\n");
            const at = lines.findIndex((l) => l.startsWith("cost: USD a month in us-west-2, price table of 2026-11-28"));
            assert.ok(at > lines.findIndex((l) => l.startsWith("advisory (")), run.stdout);
            assert.match(lines[at + 3], /^thumbnails\s+lambda\s+arm64\s+\$2\.87\s+x86_64 \$3\.53\s+\$0\.67 \(18\.9% of x86_64\) saved$/);
            assert.match(lines[lines.length - 1], /^PASS: /);
        });
    });

    it("prod (us-west-2): a 2048 MB function is 400,000 GB-s = $5.53; 3 tasks of 0.5 vCPU / 1 GB on ARM = $43.25", () => {
        const cost = costOf("--stack", "prod");
        assert.equal(service(cost, "thumbnails").monthly, usd(400_000 * 0.0000133334 + 0.2));
        assert.equal(service(cost, "storefront").monthly, usd(3 * (0.5 * 0.03238 + 1 * 0.00356) * 730));
        assert.equal(service(cost, "storefront").monthly, 43.25);
    });

    it("targets (us-west-2): ECS Express, 1 task of 0.25 vCPU / 0.5 GB on ARM plus its load balancer = $23.63; the x86 ECS service's arm64 saving is offered", () => {
        const cost = costOf("--stack", "targets");
        const express = service(cost, "storefront-express");
        assert.deepEqual([express.target, express.architecture, express.monthly], ["ecs-express", "arm64", usd((0.25 * 0.03238 + 0.5 * 0.00356 + 0.0225) * 730)]);
        const ecs = service(cost, "storefront");
        assert.deepEqual([ecs.architecture, ecs.monthly, alt(ecs, "ecs", "arm64")?.monthly, alt(ecs, "ecs", "arm64")?.offered], ["x86_64", 9.01, 7.21, true]);
    });

    it("EKS and Lambda Managed Instances, where the table prices the instances (the same stacks in us-east-1)", () => {
        const dev = costOf("--stack", stack("dev", (_s, config) => (config["aws:region"] = "us-east-1")));
        // 2 × m7g.large × 730 h × $0.0816; the whole group is catalog-api's (the only workload on it).
        const api = service(dev, "catalog-api");
        assert.equal(api.monthly, usd(2 * 0.0816 * 730));
        assert.equal(api.monthly, 119.14);
        assert.deepEqual(alt(api, "eks", "x86_64"), { target: "eks", architecture: "x86_64", monthly: usd(2 * 0.1008 * 730), saving: usd(119.136 - 147.168),
            savingPercent: -23.5, offered: true });
        assert.deepEqual(dev.nodeGroups.map((g) => [g.nodeGroup, g.monthly, g.unallocated]), [["graviton-nodes", 119.14, 0]]);
        assert.deepEqual(dev.unpriced, []);
        // The README's figures for this stack.
        assert.deepEqual([dev.total, dev.totalIfAllX86, dev.totalIfAllArm64], [275.58, 306.08, 263.9]);

        const targets = costOf("--stack", stack("targets", (_s, config) => (config["aws:region"] = "us-east-1")));
        // 3 instances (Lambda's floor for a published version) × m7g.large $0.0816 × 1.15 (management fee) × 730 h + $0.20 of requests.
        const mi = service(targets, "thumbnails");
        assert.equal(mi.monthly, usd(3 * 0.0816 * 1.15 * 730 + 0.2));
        assert.equal(alt(mi, "lambda", "x86_64")?.monthly, usd(3 * 0.1008 * 1.15 * 730 + 0.2), "on m7i.large, m7g.large's x86 sibling");
        // An index on both node groups: both groups' cost, no single alternative.
        assert.equal(service(targets, "catalog-api").monthly, usd(2 * 0.0816 * 730 + 2 * 0.1008 * 730));
        assert.deepEqual(service(targets, "catalog-api").alternatives, []);
    });

    it("reads each service's usage from the stack's config, and says so", () => {
        const cost = costOf("--stack", stack("dev", (services) => {
            services[0].usage = { requestsPerMonth: 10_000_000, averageDurationMs: 120 };
            services[3].usage = { activeHoursPerMonth: 200 };
        }));
        // 10,000,000 × 0.12 s × 1 GB = 1,200,000 GB-s × $0.0000133334 + 10 × $0.20.
        assert.equal(service(cost, "thumbnails").monthly, usd(1_200_000 * 0.0000133334 + 2));
        assert.match(service(cost, "thumbnails").basis, /usage from the stack's config$/);
        // 200 h active × (1 × $0.064 + 2 × $0.007) + 530 h idle × 2 GB × $0.007.
        assert.equal(service(cost, "storefront-legacy").monthly, usd(200 * 0.078 + 530 * 2 * 0.007));
    });

    it("a region the table does not price gets no estimate, and the report says which region", () => {
        const name = stack("dev", (_s, config) => (config["aws:region"] = "sa-east-1"));
        const cost = costOf("--stack", name);
        assert.deepEqual([cost.source, cost.services, cost.total], ["none", [], undefined]);
        assert.match(cost.unavailable ?? "", /^no prices for region sa-east-1: /);
        const human = plan("--stack", name, "--policy-pack-config", "policies/config/dev.json");
        assert.equal(human.status, 0);
        assert.match(human.stdout, /^cost: no prices for region sa-east-1: the price table covers other regions \(`--prices live` asks AWS's Price List API\), and a region's prices are not guessed from another's$/m);
    });

    it("refuses --prices with anything but table or live, exit 2", () => {
        const run = plan("--prices", "cheap");
        assert.equal(run.status, 2);
        assert.match(run.stderr, /^error: --prices takes 'table' \(the dated price table, the default\) or 'live' \(the AWS Price List API\), got 'cheap'\n/);
    });

    describe("a program written without polyarch (test/fixtures/cost-project, us-east-1)", () => {
        const project = ["--project", "test/fixtures/cost-project", "--stack", "cost"];

        it("prices its Fargate service, image Lambda and node group; an alternative it cannot vouch for is 'unknown', with why", () => {
            const cost = costOf(...project);
            const web = service(cost, "web");
            // 2 tasks × (0.5 vCPU × $0.04048 + 1 GB × $0.004445) × 730 h.
            assert.equal(web.monthly, usd(2 * (0.5 * 0.04048 + 0.004445) * 730));
            const arm = alt(web, "ecs", "arm64");
            assert.equal(arm?.monthly, usd(2 * (0.5 * 0.03238 + 0.00356) * 730));
            assert.equal(arm?.offered, "unknown");
            assert.equal(arm?.why, "public.ecr.aws/nginx/nginx:1.27 is pinned from elsewhere: --registry reads whether its index lists linux/arm64");
            const resize = service(cost, "resize");
            assert.equal(resize.monthly, usd(1_000_000 * 0.2 * 0.5 * 0.0000166667 + 0.2));
            assert.equal(alt(resize, "lambda", "arm64")?.offered, "unknown");
            assert.match(alt(resize, "lambda", "arm64")?.why ?? "", /^its inline Dockerfile runs RUN on the target platform \(line 3, stage 0\)/);
            // 3 × c7i.xlarge × $0.1785 × 730 h, none of it requested by a workload of this program; the
            // group sized by its launch template is not priced as the EKS API's t3.medium default.
            assert.deepEqual(cost.nodeGroups.map((g) => [g.nodeGroup, g.monthly, g.unallocated]),
                [["batch", usd(3 * 0.1785 * 730), usd(3 * 0.1785 * 730)], ["gpu", undefined, 0]]);
            assert.equal(cost.nodeGroups[1].basis, "not priced: its instance type is in its launch template, which the estimate does not read");
            assert.deepEqual(cost.unpriced, ["node group gpu"]);
            // Nothing is offered for sure, so "all on arm64" is today's total.
            assert.equal(cost.totalIfAllArm64, cost.total);
        });

        describe("with --registry, the pinned image's index decides", () => {
            let registry: LocalRegistry;
            let dir: string;
            before(async function () {
                requireDockerRegistry(this);
                dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-registry-"));
                registry = await LocalRegistry.start(path.join(dir, "registry"));
            });
            after(() => {
                registry?.stop();
                fs.rmSync(dir, { recursive: true, force: true });
            });

            const withIndex = async (platforms: string[]) => {
                const writer = new RegistryWriter(`http://${registry.address}`);
                const entries = [];
                for (const architecture of platforms) {
                    entries.push(await writer.image("nginx/nginx", { os: "linux", architecture }));
                }
                await writer.index("nginx/nginx", entries, "1.27");
                const config = path.join(dir, "pack.json");
                fs.writeFileSync(config, JSON.stringify(packConfigWith("dev", ["image-platform-matches-registry", "image-platform-readable-from-registry"],
                    { registryEndpoints: { "public.ecr.aws": `http://${registry.address}` } })));
                return costOf(...project, "--registry", "--policy-pack-config", config);
            };

            it("offers arm64 when the index lists linux/arm64, and counts it in 'all on arm64'", async () => {
                const cost = await withIndex(["amd64", "arm64"]);
                const arm = alt(service(cost, "web"), "ecs", "arm64");
                assert.equal(arm?.offered, true);
                // The sums are taken before rounding: within a cent of today's total less the saving.
                assert.ok(Math.abs((cost.totalIfAllArm64 as number) - ((cost.total as number) - (arm?.saving as number))) <= 0.011);
                assert.ok((cost.totalIfAllArm64 as number) < (cost.total as number));
            });

            it("does not offer it when the index has no linux/arm64, and says what it has", async () => {
                const cost = await withIndex(["amd64"]);
                const arm = alt(service(cost, "web"), "ecs", "arm64");
                assert.equal(arm?.offered, false);
                assert.equal(arm?.why, "public.ecr.aws/nginx/nginx:1.27 has no linux/arm64 image (linux/amd64)");
            });
        });
    });

    it("names @pulumi/eks components it cannot see into among what is not priced, and says so for their workloads", () => {
        const cost = costOf("--project", "test/corpus/eks-managed-node-group", "--stack", "dev");
        assert.deepEqual(cost.unpriced.filter((u) => u.startsWith("eks:index:")).map((u) => u.split(" (")[0]).sort(),
            ["eks:index:Cluster cluster", "eks:index:ManagedNodeGroup graviton"].sort());
        const web = service(cost, "web");
        assert.equal(web.monthly, undefined);
        assert.equal(web.basis, "not priced: its nodes come from @pulumi/eks components, whose node groups the plan does not expand");
    });

    it("never prints NaN: a workload scaled to zero replicas still carries its node group", () => {
        const name = stack("dev", (services, config) => {
            services[1].replicas = 0;
            config["aws:region"] = "us-east-1";
        });
        const run = plan("--stack", name, "--json", "--policy-pack-config", "policies/config/dev.json");
        assert.doesNotMatch(run.stdout, /NaN|"(monthly|total\w*|unallocated)": null/);
        const cost = (JSON.parse(run.stdout) as { cost: Cost }).cost;
        // The only workload on the group: all of it, replicas or not.
        assert.equal(service(cost, "catalog-api").monthly, usd(2 * 0.0816 * 730));
        assert.equal(typeof cost.total, "number");
    });

    describe("--prices live against a local fake of the Price List API", () => {
        let fake: FakePricing;
        let endpoint: string;
        before(async () => {
            fake = new FakePricing();
            const ec2 = (instanceType: string, usd: string): FakeProduct => ({ serviceCode: "AmazonEC2", productFamily: "Compute Instance", usd,
                attributes: { regionCode: "us-west-2", instanceType, operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA",
                    capacitystatus: "Used", licenseModel: "No License required", usagetype: `USW2-BoxUsage:${instanceType}` } });
            fake.products = [ec2("m7g.large", "0.0816000000"), ec2("m7i.large", "0.1008000000")];
            endpoint = await fake.start();
        });
        after(() => fake.stop());

        // Spawned, not spawnSync: the fake answers from this process, whose event loop must keep running.
        const live = (env: Record<string, string>) => new Promise<{ cost: Cost; stderr: string }>((resolve, reject) => {
            const child = spawn(process.execPath, [...planNodeFlags(), "cli/src/main.ts", "plan", "--stack", "dev", "--prices", "live", "--json"], {
                cwd: REPO,
                env: { PATH: process.env.PATH ?? "", HOME: fs.mkdtempSync(path.join(os.tmpdir(), "home-")), NO_COLOR: "1", AWS_EC2_METADATA_DISABLED: "true", ...env },
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("error", reject);
            child.on("close", (status) => {
                try {
                    assert.equal(status, 0, stderr);
                    resolve({ cost: (JSON.parse(stdout) as { cost: Cost }).cost, stderr });
                } catch (error) {
                    reject(error);
                }
            });
        });

        it("prices what the table lacks from the API (the dev node group's m7g.large in us-west-2) and the rest from the table, saying which", async () => {
            const { cost, stderr } = await live({ AWS_ENDPOINT_URL_PRICING: endpoint, AWS_ACCESS_KEY_ID: "AKIAFAKE", AWS_SECRET_ACCESS_KEY: "fake", AWS_REGION: "us-west-2" });
            assert.equal(cost.source, "live");
            assert.equal(service(cost, "catalog-api").monthly, usd(2 * 0.0816 * 730));
            assert.equal(alt(service(cost, "catalog-api"), "eks", "x86_64")?.monthly, usd(2 * 0.1008 * 730));
            assert.deepEqual(cost.unpriced, []);
            assert.match(stderr, /^notice: --prices live: the Price List API had no price for lambda-gb-second arm64, lambda-gb-second x86_64, lambda-requests, .*, alb-hour in us-west-2; those come from the price table of 2026-11-28$/m);
            assert.doesNotMatch(stderr, /neither the Price List API nor the price table/);
            assert.ok(fake.requests.every((r) => r.target === "AWSPriceListService.GetProducts"));
        });

        it("falls back to the table with one notice when there are no credentials (and calls no AWS endpoint)", async () => {
            const before = fake.requests.length;
            const { cost, stderr } = await live({ AWS_ENDPOINT_URL_PRICING: endpoint });
            assert.equal(cost.source, "table");
            assert.equal(fake.requests.length, before, "nothing was sent without credentials");
            assert.match(stderr, /^notice: --prices live: the AWS Price List API could not be used \(.*\); using the price table of 2026-11-28$/m);
        });
    });
});
