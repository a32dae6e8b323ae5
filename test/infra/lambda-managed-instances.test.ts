/**
 * Lambda Managed Instances on a second look (issue 24, defects 2, 3 and the first two of 9): a
 * function on a capacity provider is published and invoked by its published version, sized as
 * Managed Instances allow, its provider sends one instance-type list, and its instances get a
 * route to ECR. Each test fails with its fix reverted.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { LAMBDA_LIMITS, LAMBDA_MANAGED_INSTANCES_LIMITS, LambdaService } from "../../components/lambda";
import { LambdaCapacityProvider } from "../../components/lambda-capacity-provider";
import { parseStackConfig } from "../../infra/config";
import { assertRefused } from "../support/assert-refused";
import { externalImage } from "../support/fixtures";
import { inputsOf, reset, resolve, useStack } from "../support/mock-runtime";
import { REPO, plan } from "../support/plan-cli";
import { PROJECT_ROOT, runInfra } from "../support/run-infra";
import { devConfigWith, devServices } from "../support/stack-config";

const FUNCTION = "aws:lambda/function:Function";
const armPool = { arn: "arn:aws:lambda:us-west-2:123456789012:capacity-provider:pool", architectures: ["arm64" as const] };

const refusal = (config: Record<string, string>): string => {
    try {
        parseStackConfig(config, { stack: "dev", projectRoot: PROJECT_ROOT });
    } catch (error) {
        return (error as Error).message;
    }
    return "accepted";
};
/** The dev stack with its Lambda (services[0]) changed. */
const devLambda = (changes: Record<string, unknown>, more: Record<string, unknown> = {}) =>
    devConfigWith({ "polyarch:services": devServices((e, i) => (i === 0 ? { ...e, ...changes } : e)), ...more });

describe("Lambda Managed Instances: published, sized, one instance-type list, a route to ECR", function () {
    this.timeout(120_000);
    after(() => useStack("dev"));
    beforeEach(reset);

    describe("published, and invoked by its published version", () => {
        it("publishes a function on a capacity provider to LATEST_PUBLISHED and invokes its qualified ARN", async () => {
            const fn = new LambdaService("fn", { image: externalImage("arm64"), capacityProvider: armPool });
            const inputs = await inputsOf(FUNCTION, "fn-fn");
            assert.deepEqual([inputs.publish, inputs.publishTo], [true, "LATEST_PUBLISHED"]);
            assert.equal(await resolve(fn.invocationArn), `${await resolve(fn.functionArn)}:1`);
        });

        it("leaves a classic function unpublished, invoked by its own ARN", async () => {
            const fn = new LambdaService("classic", { image: externalImage("arm64") });
            const inputs = await inputsOf(FUNCTION, "classic-fn");
            // `publish` may arrive as the provider's default (false, function.go), never true.
            assert.notEqual(inputs.publish, true);
            assert.equal(inputs.publishTo, undefined);
            assert.equal(await resolve(fn.invocationArn), await resolve(fn.functionArn));
        });

        it("exports the published version's ARN as the targets stack's Lambda endpoint; dev's stays the function's", async () => {
            const targets = await runInfra("targets");
            const thumbnails = targets.registrations.find((r) => r.type === FUNCTION && r.name === "thumbnails-fn");
            assert.deepEqual([thumbnails?.inputs.publish, thumbnails?.inputs.publishTo], [true, "LATEST_PUBLISHED"]);
            assert.match(await resolve(targets.exports.services.thumbnails.endpoint), /^arn:aws:lambda:us-west-2:\d{12}:function:thumbnails-fn-[0-9a-f]{7}:1$/);
            const dev = await runInfra("dev");
            assert.match(await resolve(dev.exports.services.thumbnails.endpoint), /:function:thumbnails-fn-[0-9a-f]{7}$/);
        });
    });

    describe("sized as Managed Instances allow (2048–32768 MB), classic Lambda as before", () => {
        it("keeps the limits next to Lambda's: 2 GB minimum, the API model's 32768 MB maximum", () => {
            assert.deepEqual(LAMBDA_MANAGED_INSTANCES_LIMITS, { minMemoryMb: 2048, maxMemoryMb: 32768 });
            assert.equal(LAMBDA_LIMITS.maxMemoryMb, 10240);
        });

        it("gives a function on a capacity provider 2048 MB by default, not the catalog's 1024", async () => {
            new LambdaService("fn", { image: externalImage("arm64"), capacityProvider: armPool });
            assert.equal((await inputsOf(FUNCTION, "fn-fn")).memorySize, LAMBDA_MANAGED_INSTANCES_LIMITS.minMemoryMb);
            new LambdaService("big", { image: externalImage("arm64"), capacityProvider: armPool, memorySize: 32768 });
            assert.equal((await inputsOf(FUNCTION, "big-fn")).memorySize, 32768);
        });

        it("refuses a function on a capacity provider below 2048 MB or above 32768 MB, registering nothing", async () => {
            for (const memorySize of [1024, 2047, 32769]) {
                await assertRefused(() => new LambdaService(`m${memorySize}`, { image: externalImage("arm64"), capacityProvider: armPool, memorySize }),
                    "memorySize", new RegExp(`got ${memorySize}; a function on a capacity provider \\(Lambda Managed Instances\\) needs whole MB from 2048 .* to 32768`));
            }
            await assertRefused(() => new LambdaService("classic", { image: externalImage("arm64"), memorySize: 10241 }),
                "memorySize", /got 10241; Lambda allows whole MB from 128 to 10240/);
        });

        it("refuses the stack config's capacityProvider entry below 2048 MB, and classic entries above 10240 MB", () => {
            assert.equal(refusal(devLambda({ capacityProvider: {} })), "polyarch:services[0].memory: got 1024; a function on a capacityProvider " +
                "(Lambda Managed Instances) needs at least 2048 MB, AWS's minimum function size (2 GB and 1 vCPU); set memory to 2048 or more " +
                "(the default there), or drop capacityProvider");
            assert.equal(refusal(devLambda({ memory: 10241 })), "polyarch:services[0].memory: got 10241; must be <= 10240");
            assert.equal(refusal(devLambda({ capacityProvider: {}, memory: 32769 })), "polyarch:services[0].memory: got 32769; must be <= 32768");
            assert.equal(refusal(devLambda({ capacityProvider: {}, memory: 32768 })), "accepted");
            const unsized = devConfigWith({ "polyarch:services": devServices((e, i) => {
                if (i !== 0) {
                    return e;
                }
                delete e.memory;
                return { ...e, capacityProvider: {} };
            }) });
            assert.equal(refusal(unsized), "accepted", "unset memory gets the 2048 MB default");
        });

        it("npm run plan exits 2 with that one line", () => {
            const stack = "zz-test-lmi-memory";
            const file = path.join(REPO, `Pulumi.${stack}.yaml`);
            const config = devLambda({ capacityProvider: {} });
            const decoded = Object.fromEntries(Object.entries(config).map(([key, value]) => {
                try { return [key, JSON.parse(value) as unknown]; } catch { return [key, value]; }
            }));
            fs.writeFileSync(file, JSON.stringify({ config: decoded }));
            try {
                const { status, stdout, stderr } = plan("--stack", stack);
                assert.deepEqual([status, stdout], [2, ""]);
                assert.match(stderr, /^error: polyarch:services\[0\]\.memory: got 1024; a function on a capacityProvider .* or drop capacityProvider\n$/);
            } finally {
                fs.rmSync(file, { force: true });
            }
        });
    });

    it("sends the allowed instance types alone, never an empty excludedInstanceTypes beside them", async () => {
        new LambdaCapacityProvider("pool", { architecture: "arm64", instanceTypes: ["m7g.large"], subnetIds: ["s"], securityGroupIds: ["g"] });
        const requirements = (await inputsOf("aws:lambda/capacityProvider:CapacityProvider", "pool-provider")).instanceRequirements;
        assert.deepEqual(requirements, [{ architectures: ["arm64"], allowedInstanceTypes: ["m7g.large"] }]);
        assert.ok(!("excludedInstanceTypes" in requirements[0]), "an empty list reaches AWS as ExcludedInstanceTypes: []");
    });

    it("refuses natGateways None with a Lambda on a capacity provider unless VPC endpoints are made", () => {
        const lambdaOnly = (changes: Record<string, unknown>, network: Record<string, unknown>) => devConfigWith({
            "polyarch:network": network,
            "polyarch:services": devServices((e, i) => (i === 0 ? { ...e, ...changes } : undefined)),
        });
        assert.equal(refusal(lambdaOnly({ memory: 2048, capacityProvider: {} }, { natGateways: "None" })),
            "polyarch:network.natGateways: 'None' leaves the Managed Instances of lambda service 'thumbnails' (capacityProvider) in private " +
            "subnets with no route to ECR, so its image never pulls; use 'Single' or 'OnePerAz', or set polyarch:network.vpcEndpoints: true " +
            "to reach ECR, S3, logs and STS through VPC endpoints");
        assert.equal(refusal(lambdaOnly({ memory: 2048, capacityProvider: {} }, { natGateways: "None", vpcEndpoints: true })), "accepted");
        assert.equal(refusal(lambdaOnly({}, { natGateways: "None" })), "accepted", "a classic Lambda runs outside the VPC");
    });
});
