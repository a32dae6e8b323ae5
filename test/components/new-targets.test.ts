import { strict as assert } from "assert";
import { EcsService } from "../../components/ecs";
import { EcsExpressService } from "../../components/ecs-express";
import { ImageReference } from "../../components/image-reference";
import { LambdaService } from "../../components/lambda";
import { LambdaCapacityProvider } from "../../components/lambda-capacity-provider";
import { MultiArchImage } from "../../components/multi-arch-image";
import { Architecture } from "../../components/platform";
import { ServiceRepository } from "../../components/registry";
import { Workload } from "../../components/workload";
import { assertRefused } from "../support/assert-refused";
import { HELLO_CONTEXT, externalImage } from "../support/fixtures";
import { inputsOf, reset, resolve } from "../support/mock-runtime";

/** An index built elsewhere: its digest and the architectures it covers, `architecture` first. */
function externalIndex(...architectures: Architecture[]): ImageReference {
    return { ...externalImage(architectures[0]), architectures };
}

describe("MultiArchImage", () => {
    beforeEach(reset);

    it("builds one image per platform on that architecture's builder, each with its own cache, and runs the index by digest", async () => {
        const repository = new ServiceRepository("web-registry", {});
        const image = new MultiArchImage("web", {
            repository, context: HELLO_CONTEXT, architectures: ["arm64", "x86_64"],
            builders: { arm64: "graviton-buildkit" }, builder: "fallback-buildkit",
        });
        const arm = await inputsOf("docker-build:index:Image", "web-arm64-image");
        const amd = await inputsOf("docker-build:index:Image", "web-amd64-image");
        assert.deepEqual([arm.platforms, amd.platforms], [["linux/arm64"], ["linux/amd64"]]);
        assert.deepEqual([arm.builder, amd.builder], [{ name: "graviton-buildkit" }, { name: "fallback-buildkit" }]);
        assert.notEqual(arm.cacheTo[0].registry.ref, amd.cacheTo[0].registry.ref);
        const index = await inputsOf("docker-build:index:Index", "web-index");
        assert.deepEqual(index.sources, [await resolve(image.images[0].imageUri), await resolve(image.images[1].imageUri)]);
        assert.equal(index.push, true);
        assert.match(await resolve(image.imageUri), /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[^@:]+@sha256:[0-9a-f]{64}$/);
        assert.deepEqual([image.architecture, image.architectures, image.platform], ["arm64", ["arm64", "x86_64"], "linux/arm64,linux/amd64"]);
    });

    it("refuses Lambda, a single architecture, duplicates, and builders keyed by something else", async () => {
        const repository = { repositoryUrl: "r", repositoryArn: "a", registryId: "1" };
        await assertRefused(() => new MultiArchImage("fn", { repository, context: HELLO_CONTEXT, architectures: ["arm64", "x86_64"], forLambda: true }),
            "forLambda", /Lambda runs a single image manifest .*: build a ServiceImage instead/);
        await assertRefused(() => new MultiArchImage("one", { repository, context: HELLO_CONTEXT, architectures: ["arm64"] }),
            "architectures", /list at least two different architectures .* or build one with ServiceImage/);
        await assertRefused(() => new MultiArchImage("dup", { repository, context: HELLO_CONTEXT, architectures: ["arm64", "arm64"] }),
            "architectures", /at least two different/);
        await assertRefused(() => new MultiArchImage("b", { repository, context: HELLO_CONTEXT, architectures: ["arm64", "x86_64"], builders: { amd64: "x" } as never }),
            "builders.amd64", /is not an architecture; key builders by 'arm64' or 'x86_64'/);
    });
});

describe("compute components given an image index", () => {
    beforeEach(reset);

    it("Workload: required node affinity over the covered architectures the cluster has, no POLYARCH_ARCH", async () => {
        new Workload("web", { image: externalIndex("arm64", "x86_64"), nodeArchitectures: ["arm64", "x86_64"] });
        const spec = (await inputsOf("kubernetes:apps/v1:Deployment", "web-deployment")).spec.template.spec;
        assert.equal(spec.nodeSelector, undefined);
        assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions,
            [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64", "amd64"] }]);
        const env = Object.fromEntries(spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
        assert.equal(env.POLYARCH_ARCH, undefined);
        assert.equal(env.WEB_CONCURRENCY, "1", "the smaller per-architecture worker count");
    });

    it("Workload: an index on a cluster of one architecture keeps a single nodeSelector", async () => {
        const workload = new Workload("solo", { image: externalIndex("arm64", "x86_64"), nodeArchitectures: ["x86_64"] });
        const spec = (await inputsOf("kubernetes:apps/v1:Deployment", "solo-deployment")).spec.template.spec;
        assert.deepEqual(spec.nodeSelector, { "kubernetes.io/arch": "amd64" });
        assert.equal(workload.architecture, "x86_64");
    });

    it("EcsService: runs the chosen architecture of the index, and refuses one the index lacks", async () => {
        new EcsService("amd", { image: externalIndex("arm64", "x86_64"), architecture: "x86_64", vpcId: "vpc-1", subnetIds: ["s"] });
        assert.equal((await inputsOf("aws:ecs/taskDefinition:TaskDefinition", "amd-task")).runtimePlatform.cpuArchitecture, "X86_64");
        await assertRefused(() => new EcsService("arm-only", { image: externalImage("arm64"), architecture: "x86_64", vpcId: "vpc-1", subnetIds: ["s"] }),
            "architecture", /got 'x86_64' but the image covers only linux\/arm64; choose 'arm64', or add x86_64 to the image/);
    });

    it("LambdaService: refuses an index (a Lambda image must be a single manifest)", async () => {
        await assertRefused(() => new LambdaService("fn", { image: externalIndex("arm64", "x86_64") }),
            "image", /is an index of linux\/arm64, linux\/amd64: Lambda runs a single image manifest/);
    });
});

describe("EcsExpressService (ECS Express Mode)", () => {
    beforeEach(reset);

    it("creates the service with scoped roles, a log group, Fargate sizes as strings, and reports arm64 for an arm64 image", async () => {
        const service = new EcsExpressService("web", { image: externalImage("arm64"), port: 3000, logRetentionDays: 30 });
        const express = await inputsOf("aws:ecs/expressGatewayService:ExpressGatewayService", "web-service");
        assert.deepEqual([express.cpu, express.memory, express.healthCheckPath], ["256", "512", "/healthz"]);
        assert.equal(express.primaryContainer.image, externalImage("arm64").imageUri);
        assert.equal(express.primaryContainer.containerPort, 3000);
        assert.equal(express.waitForSteadyState, true);
        assert.match(express.primaryContainer.awsLogsConfigurations[0].logGroup, /^web-logs-/);
        const env = Object.fromEntries(express.primaryContainer.environments.map((e: { name: string; value: string }) => [e.name, e.value]));
        assert.equal(env.POLYARCH_ARCH, "arm64");
        assert.equal(JSON.parse((await inputsOf("aws:iam/role:Role", "web-infrastructure-role")).assumeRolePolicy).Statement[0].Principal.Service, "ecs.amazonaws.com");
        const execution = JSON.parse((await inputsOf("aws:iam/rolePolicy:RolePolicy", "web-execution")).policy);
        assert.ok(execution.Statement.every((s: { Resource: unknown }) => s.Resource !== "*" || s.Resource === undefined ||
            JSON.stringify(s).includes("GetAuthorizationToken")), "only GetAuthorizationToken is on *");
        assert.equal(service.architecture, "arm64");
        assert.match(await resolve(service.url), /^https:\/\/web-service[^/]*\.on\.aws$/, "the endpoint Express assigns");
    });

    it("reports x86_64 for an index that includes linux/amd64 (no mismatch, so ECS keeps its X86_64 default)", async () => {
        assert.equal(new EcsExpressService("idx", { image: externalIndex("arm64", "x86_64") }).architecture, "x86_64");
    });

    it("refuses sizes Express does not have and an empty scaling range", async () => {
        await assertRefused(() => new EcsExpressService("big", { image: externalImage("arm64"), cpu: 256, memory: 4096 }), "memory",
            /got 4096; with cpu 256 ECS Express Mode allows 512, 1024 or 2048 MB/);
        await assertRefused(() => new EcsExpressService("none", { image: externalImage("arm64"), scaling: { minTasks: 2, maxTasks: 1 } }),
            "scaling", /need whole numbers with 0 <= min <= max/);
    });
});

describe("LambdaCapacityProvider and LambdaService.capacityProvider (Lambda Managed Instances)", () => {
    beforeEach(reset);

    it("makes a provider whose architectures and instance types agree, with the operator role, and attaches a matching function", async () => {
        const provider = new LambdaCapacityProvider("pool", { architecture: "arm64", subnetIds: ["s"], securityGroupIds: ["g"] });
        new LambdaService("fn", { image: externalImage("arm64"), capacityProvider: provider });
        const inputs = await inputsOf("aws:lambda/capacityProvider:CapacityProvider", "pool-provider");
        assert.deepEqual(inputs.instanceRequirements[0].architectures, ["arm64"]);
        assert.deepEqual(inputs.instanceRequirements[0].allowedInstanceTypes, ["m7g.large", "m6g.large"]);
        assert.equal(JSON.parse((await inputsOf("aws:iam/role:Role", "pool-operator-role")).assumeRolePolicy).Statement[0].Principal.Service, "lambda.amazonaws.com");
        const fn = await inputsOf("aws:lambda/function:Function", "fn-fn");
        assert.equal(fn.capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.capacityProviderArn, await resolve(provider.arn));
    });

    it("refuses instance types of the other architecture, and a function whose image the provider's instances cannot run", async () => {
        await assertRefused(() => new LambdaCapacityProvider("mixed", { architecture: "arm64", instanceTypes: ["m7g.large", "m7i.large"], subnetIds: [], securityGroupIds: [] }),
            "instanceTypes[1]", /'m7i.large' is x86_64 but this capacity provider is arm64/);
        const armPool = { arn: "arn:aws:lambda:us-west-2:123456789012:capacity-provider:pool", architectures: ["arm64"] as Architecture[] };
        await assertRefused(() => new LambdaService("x86", { image: externalImage("x86_64"), capacityProvider: armPool }),
            "capacityProvider", /its instances are arm64 but the image is x86_64 \(linux\/amd64\)/);
        await assertRefused(() => new LambdaService("types", { image: externalImage("arm64"), capacityProvider: { ...armPool, instanceTypes: ["c7i.large"] } }),
            "capacityProvider.instanceTypes", /c7i.large cannot run the arm64 image/);
    });
});
