import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { AppRunnerService } from "../../components/apprunner";
import { EcsService } from "../../components/ecs";
import { ServiceImage } from "../../components/image";
import { LambdaService } from "../../components/lambda";
import { ServiceRepository } from "../../components/registry";
import { assertRefused } from "../support/assert-refused";
import { HELLO_CONTEXT, externalImage } from "../support/fixtures";
import { inputsOf, ofType, reset, resolve } from "../support/mock-runtime";

describe("LambdaService", () => {
    beforeEach(reset);

    it("derives architectures from the image and runs it by digest as an Image package", async () => {
        const repo = new ServiceRepository("api-registry", { allowLambdaPull: true });
        const image = new ServiceImage("api", { repository: repo, context: HELLO_CONTEXT, architecture: "arm64", forLambda: true });
        new LambdaService("api", { image });
        const fn = await inputsOf("aws:lambda/function:Function", "api-fn");
        assert.equal(fn.packageType, "Image");
        assert.deepEqual(fn.architectures, ["arm64"]);
        assert.equal(fn.imageUri, await resolve(image.imageUri));
        assert.match(fn.imageUri, /@sha256:[0-9a-f]{64}$/);
    });

    it("runs an x86_64 image as x86_64", async () => {
        new LambdaService("legacy", { image: externalImage("x86_64") });
        assert.deepEqual((await inputsOf("aws:lambda/function:Function", "legacy-fn")).architectures, ["x86_64"]);
    });

    it("turns on tracing, JSON logs to its own log group with retention, and per-arch memory", async () => {
        new LambdaService("obs", { image: externalImage("arm64"), logRetentionDays: 30 });
        const fn = await inputsOf("aws:lambda/function:Function", "obs-fn");
        const logs = await inputsOf("aws:cloudwatch/logGroup:LogGroup", "obs-logs");
        assert.deepEqual(fn.tracingConfig, { mode: "Active" });
        assert.equal(fn.loggingConfig.logFormat, "JSON");
        assert.match(fn.loggingConfig.logGroup, /^obs-logs-/);
        assert.equal(logs.retentionInDays, 30);
        assert.equal(fn.memorySize, 1024);
        assert.equal(fn.environment.variables.POLYARCH_ARCH, "arm64");
        assert.equal(fn.environment.variables.MALLOC_ARENA_MAX, "2");
    });

    it("gives the role only log writes to its own group, plus X-Ray when tracing", async () => {
        new LambdaService("iam", { image: externalImage("arm64") });
        const role = await inputsOf("aws:iam/role:Role", "iam-role");
        assert.equal(JSON.parse(role.assumeRolePolicy).Statement[0].Principal.Service, "lambda.amazonaws.com");
        const policy = JSON.parse((await inputsOf("aws:iam/rolePolicy:RolePolicy", "iam-execution")).policy);
        assert.deepEqual(policy.Statement.map((s: any) => s.Sid), ["Logs", "XRay"]);
        assert.match(policy.Statement[0].Resource, /^arn:aws:logs:us-west-2:123456789012:log-group:iam-logs-[0-9a-f]+:\*$/);
        assert.equal((await ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).length, 0);
    });

    it("drops X-Ray from the role when tracing is off", async () => {
        new LambdaService("quiet", { image: externalImage("arm64"), tracing: false });
        const policy = JSON.parse((await inputsOf("aws:iam/rolePolicy:RolePolicy", "quiet-execution")).policy);
        assert.deepEqual(policy.Statement.map((s: any) => s.Sid), ["Logs"]);
        assert.deepEqual((await inputsOf("aws:lambda/function:Function", "quiet-fn")).tracingConfig, { mode: "PassThrough" });
    });

    it("refuses memory and timeout outside Lambda's bounds", async () => {
        await assertRefused(() => new LambdaService("big", { image: externalImage("arm64"), memorySize: 20000 }),
            "memorySize", /got 20000; Lambda allows whole MB from 128 to 10240/);
        await assertRefused(() => new LambdaService("slow", { image: externalImage("arm64"), timeout: 901 }),
            "timeout", /from 1 to 900/);
    });

    it("refuses an image with no stated architecture", async () => {
        await assertRefused(() => new LambdaService("guess", { image: { ...externalImage("arm64"), architecture: "linux/arm64" as any } }),
            "image.architecture", /must state the one architecture/);
    });
});

describe("AppRunnerService", () => {
    beforeEach(reset);

    it("runs an x86_64 image by digest with pull and instance roles, port, health check and no auto-deploys", async () => {
        new AppRunnerService("web", { image: externalImage("x86_64", "web"), port: 3000, cpu: 1024, memory: 2048 });
        const svc = await inputsOf("aws:apprunner/service:Service", "web-service");
        const source = svc.sourceConfiguration;
        // Names are unique per account and region: the stack is part of the default, so dev and prod never collide.
        assert.equal(svc.serviceName, `polyarch-${pulumi.getStack()}-web`);
        assert.equal(source.autoDeploymentsEnabled, false);
        assert.equal(source.imageRepository.imageRepositoryType, "ECR");
        assert.match(source.imageRepository.imageIdentifier, /@sha256:/);
        assert.equal(source.imageRepository.imageConfiguration.port, "3000");
        assert.equal(source.imageRepository.imageConfiguration.runtimeEnvironmentVariables.POLYARCH_ARCH, "x86_64");
        assert.deepEqual(svc.instanceConfiguration.cpu, "1024");
        assert.equal(svc.healthCheckConfiguration.path, "/healthz");
        const access = await inputsOf("aws:iam/role:Role", "web-access-role");
        assert.equal(JSON.parse(access.assumeRolePolicy).Statement[0].Principal.Service, "build.apprunner.amazonaws.com");
        const pull = JSON.parse((await inputsOf("aws:iam/rolePolicy:RolePolicy", "web-ecr-pull")).policy);
        assert.equal(pull.Statement[1].Resource, "arn:aws:ecr:us-west-2:123456789012:repository/web");
    });

    it("refuses an arm64 image at construction, naming the input and the fix", async () => {
        await assertRefused(() => new AppRunnerService("armweb", { image: externalImage("arm64") }),
            "image", /AppRunnerService "armweb": image: the image is arm64 \(linux\/arm64\): App Runner runs only x86_64.*use target 'ecs'/);
    });

    it("refuses CPU and memory App Runner does not offer", async () => {
        await assertRefused(() => new AppRunnerService("c", { image: externalImage("x86_64"), cpu: 3000 }), "cpu", /256, 512, 1024, 2048, 4096/);
        await assertRefused(() => new AppRunnerService("m", { image: externalImage("x86_64"), memory: 100 }), "memory", /App Runner allows/);
        await assertRefused(() => new AppRunnerService("n", { image: externalImage("x86_64"), serviceName: "a" }), "serviceName", /4 to 40/);
    });
});

describe("EcsService", () => {
    beforeEach(reset);
    const network = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };

    for (const [arch, ecs] of [["arm64", "ARM64"], ["x86_64", "X86_64"]] as const) {
        it(`sets runtimePlatform.cpuArchitecture ${ecs} from a ${arch} image`, async () => {
            new EcsService(`svc-${arch}`, { image: externalImage(arch), ...network });
            const task = await inputsOf("aws:ecs/taskDefinition:TaskDefinition", `svc-${arch}-task`);
            assert.deepEqual(task.runtimePlatform, { cpuArchitecture: ecs, operatingSystemFamily: "LINUX" });
            assert.deepEqual(task.requiresCompatibilities, ["FARGATE"]);
            const container = JSON.parse(task.containerDefinitions)[0];
            assert.match(container.image, /@sha256:/);
            assert.equal(container.logConfiguration.logDriver, "awslogs");
            assert.ok(container.environment.some((e: any) => e.name === "POLYARCH_ARCH" && e.value === arch));
        });
    }

    it("scopes the execution role to its repository and log group, and keeps tasks private", async () => {
        new EcsService("priv", { image: externalImage("arm64", "priv"), ...network });
        const policy = JSON.parse((await inputsOf("aws:iam/rolePolicy:RolePolicy", "priv-execution")).policy);
        assert.deepEqual(policy.Statement.map((s: any) => s.Sid), ["EcrAuth", "EcrPull", "Logs"]);
        assert.equal(policy.Statement[1].Resource, "arn:aws:ecr:us-west-2:123456789012:repository/priv");
        const svc = await inputsOf("aws:ecs/service:Service", "priv-service");
        assert.equal(svc.launchType, "FARGATE");
        assert.equal(svc.networkConfiguration.assignPublicIp, false);
        assert.deepEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.equal((await ofType("aws:lb/loadBalancer:LoadBalancer")).length, 0);
    });

    it("adds a load balancer with an IP target group and health check when public subnets are given", async () => {
        const svc = new EcsService("pub", { image: externalImage("arm64"), ...network, loadBalancerSubnetIds: ["subnet-p1", "subnet-p2"], healthCheckPath: "/ready" });
        const tg = await inputsOf("aws:lb/targetGroup:TargetGroup", "pub-tg");
        assert.equal(tg.targetType, "ip");
        assert.equal(tg.healthCheck.path, "/ready");
        assert.equal((await inputsOf("aws:ecs/service:Service", "pub-service")).loadBalancers[0].containerPort, 8080);
        assert.match(await resolve(svc.url!), /^http:\/\/pub-lb-.*\.elb\.amazonaws\.com$/);
    });

    it("defaults memory to the smallest size the chosen CPU allows", async () => {
        new EcsService("sized", { image: externalImage("arm64"), ...network, cpu: 1024 });
        const task = await inputsOf("aws:ecs/taskDefinition:TaskDefinition", "sized-task");
        assert.deepEqual([task.cpu, task.memory], ["1024", "2048"]);
    });

    it("refuses Fargate sizes that do not exist", async () => {
        await assertRefused(() => new EcsService("cpu", { image: externalImage("arm64"), ...network, cpu: 300 }), "cpu", /Fargate allows 256, 512/);
        await assertRefused(() => new EcsService("mem", { image: externalImage("arm64"), ...network, cpu: 256, memory: 4096 }),
            "memory", /with cpu 256 Fargate allows 512, 1024 or 2048 MB/);
    });
});
