import { strict as assert } from "assert";
import { Diagnostic } from "../../cli/src/policy-gate/analyzer-client";
import { DIGEST, GraphBuilder, UNKNOWN } from "../support/graph";
import { configureFor, policyPack } from "../support/policy-pack";

async function analyzeStack(g: GraphBuilder): Promise<Diagnostic[]> {
    return (await policyPack()).analyzeStack(g.resources);
}
const only = (diagnostics: Diagnostic[], policy: string) => diagnostics.filter((d) => d.policy === policy);

describe("policy pack over the analyzer protocol: architecture rules", function () {
    this.timeout(120_000);
    before(async () => { await policyPack(); });

    describe("lambda-architecture-matches-image", () => {
        beforeEach(() => configureFor("prod"));

        it("passes an arm64 function on a linux/arm64 image", async () => {
            const g = new GraphBuilder();
            g.lambda("api-fn", g.image("api-image", ["linux/arm64"]), { architectures: ["arm64"] });
            assert.deepEqual(only(await analyzeStack(g), "lambda-architecture-matches-image"), []);
        });

        it("fails an arm64 function on a linux/amd64 image, naming both architectures and the fix", async () => {
            const g = new GraphBuilder();
            const fn = g.lambda("api-fn", g.image("api-image", ["linux/amd64"]), { architectures: ["arm64"] });
            const [d, ...rest] = only(await analyzeStack(g), "lambda-architecture-matches-image");
            assert.equal(rest.length, 0);
            assert.equal(d.level, "mandatory");
            assert.equal(d.urn, fn.urn);
            assert.equal(d.message, "Lambda function 'api-fn' runs arm64 (architectures: [\"arm64\"]) but its image 'api-image' " +
                "(docker-build:index:Image) is built for linux/amd64 (x86_64): it would fail with \"exec format error\". Fix: build " +
                "the image for linux/arm64, or set architectures: [\"x86_64\"].");
        });

        it("treats a function without architectures as x86_64 (Lambda's default)", async () => {
            const g = new GraphBuilder();
            g.lambda("default-fn", g.image("arm-image", ["linux/arm64"]));
            const [d] = only(await analyzeStack(g), "lambda-architecture-matches-image");
            assert.match(d.message, /runs x86_64 \(architectures unset \(Lambda defaults to x86_64\)\) but its image 'arm-image'.*linux\/arm64/);
        });

        it("rejects a multi-platform image (an index) even when it contains the right platform", async () => {
            const g = new GraphBuilder();
            g.lambda("multi-fn", g.image("multi-image", ["linux/arm64", "linux/amd64"]), { architectures: ["arm64"] });
            const [d] = only(await analyzeStack(g), "lambda-architecture-matches-image");
            assert.match(d.message, /built for several platforms \(linux\/arm64, linux\/amd64\): Lambda rejects a manifest list/);
        });

        it("rejects a docker-build Index, tracing through its sources", async () => {
            const g = new GraphBuilder();
            const arm = g.image("arm", ["linux/arm64"]);
            const amd = g.image("amd", ["linux/amd64"]);
            const index = g.add("docker-build:index:Index", "idx", { tag: "repo:v1", sources: ["a", "b"] }, { deps: { sources: [arm, amd] } });
            g.lambda("idx-fn", index, { architectures: ["arm64"] });
            const [d] = only(await analyzeStack(g), "lambda-architecture-matches-image");
            assert.match(d.message, /image 'idx' \(docker-build:index:Index\) built for several platforms/);
        });

        it("reads classic docker Image build.platform and awsx:ecr:Image platform", async () => {
            const g = new GraphBuilder();
            const classic = g.add("docker:index/image:Image", "classic", { build: { platform: "linux/amd64" } });
            const awsx = g.add("awsx:ecr:Image", "awsx", { platform: "linux/arm64" });
            g.lambda("classic-fn", classic, { architectures: ["arm64"] });
            g.lambda("awsx-fn", awsx, { architectures: ["arm64"] });
            const found = only(await analyzeStack(g), "lambda-architecture-matches-image");
            assert.deepEqual(found.map((d) => d.message.split("'")[1]), ["classic-fn"]);
        });

        it("follows a dependency on a component to the image inside it", async () => {
            const g = new GraphBuilder();
            const component = g.add("polyarch:image:ServiceImage", "svc", {});
            g.image("svc-image", ["linux/amd64"], component);
            g.lambda("svc-fn", component, { architectures: ["arm64"] });
            assert.equal(only(await analyzeStack(g), "lambda-architecture-matches-image").length, 1);
        });

        it("ignores Zip functions", async () => {
            const g = new GraphBuilder();
            g.add("aws:lambda/function:Function", "zip-fn", { packageType: "Zip", runtime: "nodejs20.x", architectures: ["arm64"], tracingConfig: { mode: "Active" } });
            assert.deepEqual((await analyzeStack(g)).filter((d) => d.urn.endsWith("zip-fn")), []);
        });
    });

    describe("a mismatched Lambda in prod is mandatory however its image is wrong", () => {
        beforeEach(() => configureFor("prod"));
        const cases: [string, unknown, RegExp][] = [
            ["wrong platform", ["linux/amd64"], /lambda-architecture-matches-image/],
            ["multi-platform", ["linux/amd64", "linux/arm64"], /lambda-architecture-matches-image/],
            ["unset platform", undefined, /architecture-verifiable/],
            ["unknown platform", UNKNOWN, /architecture-verifiable/],
        ];
        for (const [label, platforms, policy] of cases) {
            it(label, async () => {
                const g = new GraphBuilder();
                g.lambda("fn", g.image("img", platforms), { architectures: ["arm64"] });
                const mandatory = (await analyzeStack(g)).filter((d) => d.level === "mandatory");
                assert.ok(mandatory.some((d) => policy.test(d.policy)), `${label}: ${JSON.stringify(mandatory)}`);
            });
        }

        it("an unknown architectures input is a mandatory verifiability violation, never the framework's advisory", async () => {
            const g = new GraphBuilder();
            g.lambda("fn", g.image("img", ["linux/arm64"]), { architectures: UNKNOWN });
            const diagnostics = await analyzeStack(g);
            assert.ok(!diagnostics.some((d) => /can't run policy/.test(d.message)), "no rule may touch an unknown value");
            const [d] = only(diagnostics, "architecture-verifiable");
            assert.equal(d.level, "mandatory");
            assert.match(d.message, /Lambda function 'fn': its architecture cannot be verified \(architectures is not known during preview/);
        });
    });

    describe("architecture-verifiable in dev is advisory", () => {
        beforeEach(() => configureFor("dev"));

        it("reports an unset platform as advisory, naming the host-platform risk", async () => {
            const g = new GraphBuilder();
            g.lambda("fn", g.image("img"), { architectures: ["arm64"] });
            const [d] = only(await analyzeStack(g), "architecture-verifiable");
            assert.equal(d.level, "advisory");
            assert.match(d.message, /image 'img' \(docker-build:index:Image\) sets no platform, so it builds for whatever machine runs `pulumi up`/);
        });

        it("reports an image not built in the stack as advisory", async () => {
            const g = new GraphBuilder();
            g.lambda("external-fn", undefined, { architectures: ["arm64"] });
            const [d] = only(await analyzeStack(g), "architecture-verifiable");
            assert.equal(d.level, "advisory");
            assert.match(d.message, /does not trace to an image resource in this stack/);
        });

        it("still fails a definite mismatch as mandatory in dev", async () => {
            const g = new GraphBuilder();
            g.lambda("fn", g.image("img", ["linux/amd64"]), { architectures: ["arm64"] });
            assert.equal(only(await analyzeStack(g), "lambda-architecture-matches-image")[0].level, "mandatory");
        });
    });

    describe("apprunner-image-is-amd64", () => {
        beforeEach(() => configureFor("prod"));
        const service = (g: GraphBuilder, image: ReturnType<GraphBuilder["image"]>) =>
            g.add("aws:apprunner/service:Service", "web", { sourceConfiguration: { imageRepository: { imageIdentifier: `repo@${DIGEST}`, imageRepositoryType: "ECR" } } },
                { deps: { sourceConfiguration: [image] } });

        it("passes a linux/amd64 image", async () => {
            const g = new GraphBuilder();
            service(g, g.image("web-image", ["linux/amd64"]));
            assert.deepEqual(only(await analyzeStack(g), "apprunner-image-is-amd64"), []);
        });

        it("fails a linux/arm64 image and points to ECS", async () => {
            const g = new GraphBuilder();
            service(g, g.image("web-image", ["linux/arm64"]));
            const [d] = only(await analyzeStack(g), "apprunner-image-is-amd64");
            assert.equal(d.message, "App Runner service 'web' runs x86_64 only, but its image 'web-image' (docker-build:index:Image) is built for " +
                "linux/arm64. Fix: build it for linux/amd64, or move the service to ECS Fargate with an ARM64 runtime platform.");
        });
    });

    describe("ecs-task-architecture-matches-image", () => {
        beforeEach(() => configureFor("prod"));
        const task = (g: GraphBuilder, images: ReturnType<GraphBuilder["image"]>[], cpuArchitecture?: string) =>
            g.add("aws:ecs/taskDefinition:TaskDefinition", "task", {
                family: "task",
                containerDefinitions: JSON.stringify(images.map((i) => ({ name: i.name, image: `repo@${DIGEST}` }))),
                ...(cpuArchitecture ? { runtimePlatform: { cpuArchitecture, operatingSystemFamily: "LINUX" } } : {}),
            }, { deps: { containerDefinitions: images } });

        it("passes ARM64 with an arm64 image", async () => {
            const g = new GraphBuilder();
            task(g, [g.image("a", ["linux/arm64"])], "ARM64");
            assert.deepEqual(only(await analyzeStack(g), "ecs-task-architecture-matches-image"), []);
        });

        it("fails when one of the containers is the other architecture, and defaults to X86_64", async () => {
            const g = new GraphBuilder();
            task(g, [g.image("a", ["linux/arm64"]), g.image("b", ["linux/amd64"])], "ARM64");
            const [d] = only(await analyzeStack(g), "ecs-task-architecture-matches-image");
            assert.match(d.message, /runs arm64 \(runtimePlatform.cpuArchitecture: ARM64\) but its image 'b'.*linux\/amd64. Fix: set runtimePlatform.cpuArchitecture to X86_64/);
            const g2 = new GraphBuilder();
            task(g2, [g2.image("a", ["linux/arm64"])]);
            assert.match(only(await analyzeStack(g2), "ecs-task-architecture-matches-image")[0].message, /ECS defaults to X86_64/);
        });
    });

    describe("kubernetes-workload-architecture-matches-image", () => {
        beforeEach(() => configureFor("prod"));
        const nodeGroup = (g: GraphBuilder, name: string, amiType: string, instanceTypes: string[]) =>
            g.add("aws:eks/nodeGroup:NodeGroup", name, { clusterName: "c", amiType, instanceTypes });
        const deployment = (g: GraphBuilder, image: ReturnType<GraphBuilder["image"]>, podSpec: Record<string, unknown> = {}, type = "kubernetes:apps/v1:Deployment") =>
            g.add(type, "api", { spec: { template: { spec: { containers: [{ name: "api", image: `repo@${DIGEST}` }], ...podSpec } } } },
                { deps: { spec: [image] } });

        it("passes a nodeSelector that matches the image", async () => {
            const g = new GraphBuilder();
            deployment(g, g.image("img", ["linux/arm64"]), { nodeSelector: { "kubernetes.io/arch": "arm64" } });
            assert.deepEqual(only(await analyzeStack(g), "kubernetes-workload-architecture-matches-image"), []);
        });

        it("fails a nodeSelector of the other architecture, for StatefulSets too", async () => {
            const g = new GraphBuilder();
            deployment(g, g.image("img", ["linux/arm64"]), { nodeSelector: { "kubernetes.io/arch": "amd64" } }, "kubernetes:apps/v1:StatefulSet");
            const [d] = only(await analyzeStack(g), "kubernetes-workload-architecture-matches-image");
            assert.match(d.message, /^StatefulSet 'api' may run on x86_64 nodes \(nodeSelector kubernetes.io\/arch: amd64\) but its image 'img'.*linux\/arm64. Fix: select \{"kubernetes.io\/arch": "arm64"\}/);
        });

        it("reads required node affinity (In / NotIn)", async () => {
            const affinity = (operator: string, values: string[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator, values }] }] } } } });
            const g = new GraphBuilder();
            deployment(g, g.image("img", ["linux/arm64"]), affinity("NotIn", ["arm64"]));
            assert.equal(only(await analyzeStack(g), "kubernetes-workload-architecture-matches-image").length, 1);
            const ok = new GraphBuilder();
            deployment(ok, ok.image("img", ["linux/arm64"]), affinity("In", ["arm64"]));
            assert.equal(only(await analyzeStack(ok), "kubernetes-workload-architecture-matches-image").length, 0);
        });

        it("fails a workload without a selector on a cluster with mixed node groups", async () => {
            const g = new GraphBuilder();
            nodeGroup(g, "arm-nodes", "AL2023_ARM_64_STANDARD", ["m7g.large"]);
            nodeGroup(g, "x86-nodes", "AL2023_x86_64_STANDARD", ["m7i.large"]);
            deployment(g, g.image("img", ["linux/arm64"]));
            const [d] = only(await analyzeStack(g), "kubernetes-workload-architecture-matches-image");
            assert.match(d.message, /has no kubernetes.io\/arch selector, and the stack has x86_64 node groups that cannot run its image/);
        });

        it("passes a workload without a selector when every node group runs its image", async () => {
            const g = new GraphBuilder();
            nodeGroup(g, "arm-nodes", "AL2023_ARM_64_STANDARD", ["m7g.large"]);
            deployment(g, g.image("img", ["linux/arm64"]));
            assert.deepEqual(only(await analyzeStack(g), "kubernetes-workload-architecture-matches-image"), []);
        });
    });
});
