import { strict as assert } from "assert";
import { Diagnostic } from "../../cli/src/policy-gate/analyzer-client";
import { AnalyzerResourceInput } from "../../cli/src/policy-gate/analyzer-client";
import { DIGEST, GraphBuilder } from "../support/graph";
import { configureFor, policyPack } from "../support/policy-pack";

const only = async (g: GraphBuilder, policy: string): Promise<Diagnostic[]> =>
    (await (await policyPack()).analyzeStack(g.resources)).filter((d) => d.policy === policy);

const URI = `123456789012.dkr.ecr.us-west-2.amazonaws.com/app@${DIGEST}`;

/** A docker-build Index over one docker-build Image per platform, as MultiArchImage registers it. */
function index(g: GraphBuilder, name: string, platforms: string[]): AnalyzerResourceInput {
    const images = platforms.map((platform) => g.image(`${name}-${platform.split("/")[1]}-image`, [platform]));
    return g.add("docker-build:index:Index", `${name}-index`, { tag: `repo:${name}`, sources: images.map(() => URI) }, { deps: { sources: images } });
}

function nodeGroup(g: GraphBuilder, name: string, amiType: string, instanceTypes: string[]): void {
    g.add("aws:eks/nodeGroup:NodeGroup", name, { clusterName: "c", amiType, instanceTypes });
}

function deployment(g: GraphBuilder, image: AnalyzerResourceInput, podSpec: Record<string, unknown>): AnalyzerResourceInput {
    return g.add("kubernetes:apps/v1:Deployment", "web", {
        spec: { template: { spec: { containers: [{ name: "web", image: URI }], ...podSpec } } },
    }, { deps: { spec: [image] } });
}

const affinityOver = (...values: string[]) => ({
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values }] }] } } },
});

function ecsTask(g: GraphBuilder, image: AnalyzerResourceInput, cpuArchitecture: string): AnalyzerResourceInput {
    return g.add("aws:ecs/taskDefinition:TaskDefinition", "task", {
        family: "task", requiresCompatibilities: ["FARGATE"], runtimePlatform: { cpuArchitecture, operatingSystemFamily: "LINUX" },
        containerDefinitions: JSON.stringify([{ name: "web", image: URI }]),
    }, { deps: { containerDefinitions: [image] } });
}

function express(g: GraphBuilder, image: AnalyzerResourceInput): AnalyzerResourceInput {
    return g.add("aws:ecs/expressGatewayService:ExpressGatewayService", "web-service", {
        executionRoleArn: "arn:aws:iam::123456789012:role/exec", infrastructureRoleArn: "arn:aws:iam::123456789012:role/infra",
        primaryContainer: { image: URI, containerPort: 8080 },
    }, { deps: { primaryContainer: [image] } });
}

describe("policy pack over the analyzer protocol: multi-architecture images (docker-build Index) on every consumer", function () {
    this.timeout(120_000);
    before(() => configureFor("prod"));

    describe("EKS workloads (kubernetes-workload-architecture-matches-image)", () => {
        const RULE = "kubernetes-workload-architecture-matches-image";

        it("passes a workload with affinity over both architectures on an index covering both", async () => {
            const g = new GraphBuilder();
            nodeGroup(g, "graviton", "AL2023_ARM_64_STANDARD", ["m7g.large"]);
            nodeGroup(g, "x86", "AL2023_x86_64_STANDARD", ["m7i.large"]);
            deployment(g, index(g, "web", ["linux/arm64", "linux/amd64"]), affinityOver("arm64", "amd64"));
            assert.deepEqual(await only(g, RULE), []);
        });

        it("fails affinity over both architectures when the index lacks amd64, naming the missing platform", async () => {
            const g = new GraphBuilder();
            const dep = deployment(g, index(g, "web", ["linux/arm64"]), affinityOver("arm64", "amd64"));
            const [d, ...rest] = await only(g, RULE);
            assert.deepEqual(rest, []);
            assert.equal(d.urn, dep.urn);
            assert.match(d.message, /^Deployment 'web' may run on x86_64 nodes \(required node affinity on kubernetes\.io\/arch\) but its image 'web-index' \(docker-build:index:Index\) is built for linux\/arm64\. Fix: .*build the image for linux\/amd64/);
        });

        it("passes an unconstrained workload on an index covering every node group, and fails one lacking a node group's platform", async () => {
            const covered = new GraphBuilder();
            nodeGroup(covered, "graviton", "AL2023_ARM_64_STANDARD", ["m7g.large"]);
            nodeGroup(covered, "x86", "AL2023_x86_64_STANDARD", ["m7i.large"]);
            deployment(covered, index(covered, "web", ["linux/arm64", "linux/amd64"]), {});
            assert.deepEqual(await only(covered, RULE), []);

            const lacking = new GraphBuilder();
            nodeGroup(lacking, "graviton", "AL2023_ARM_64_STANDARD", ["m7g.large"]);
            nodeGroup(lacking, "x86", "AL2023_x86_64_STANDARD", ["m7i.large"]);
            deployment(lacking, index(lacking, "web", ["linux/arm64"]), {});
            const [d] = await only(lacking, RULE);
            assert.match(d.message, /^Deployment 'web' has no kubernetes\.io\/arch selector, and the stack has x86_64 node groups that cannot run its image 'web-index'/);
        });
    });

    describe("ECS tasks (ecs-task-architecture-matches-image)", () => {
        const RULE = "ecs-task-architecture-matches-image";

        it("passes a task running either architecture of an index covering both", async () => {
            for (const cpu of ["ARM64", "X86_64"]) {
                const g = new GraphBuilder();
                ecsTask(g, index(g, "web", ["linux/arm64", "linux/amd64"]), cpu);
                assert.deepEqual(await only(g, RULE), [], cpu);
            }
        });

        it("fails an X86_64 task on an index without linux/amd64", async () => {
            const g = new GraphBuilder();
            const task = ecsTask(g, index(g, "web", ["linux/arm64"]), "X86_64");
            const [d] = await only(g, RULE);
            assert.equal(d.urn, task.urn);
            assert.match(d.message, /^ECS task definition 'task' runs x86_64 \(runtimePlatform\.cpuArchitecture: X86_64\) but its image 'web-index' \(docker-build:index:Index\) is built for linux\/arm64/);
        });
    });

    describe("Lambda (lambda-architecture-matches-image)", () => {
        it("refuses an index even when it covers the function's architecture", async () => {
            const g = new GraphBuilder();
            g.lambda("fn", index(g, "fn", ["linux/arm64", "linux/amd64"]), { architectures: ["arm64"] });
            const [d] = await only(g, "lambda-architecture-matches-image");
            assert.match(d.message, /image 'fn-index' \(docker-build:index:Index\) built for several platforms/);
        });
    });

    describe("ECS Express Mode (ecs-express-image-runnable)", () => {
        const RULE = "ecs-express-image-runnable";

        it("passes a single-platform arm64 image (ECS detects it and runs Graviton) and an index with amd64", async () => {
            for (const image of [(g: GraphBuilder) => g.image("web-image", ["linux/arm64"]), (g: GraphBuilder) => index(g, "web", ["linux/arm64", "linux/amd64"])]) {
                const g = new GraphBuilder();
                express(g, image(g));
                assert.deepEqual(await only(g, RULE), []);
            }
        });

        it("fails an image, or an index, with no platform Fargate runs", async () => {
            for (const image of [(g: GraphBuilder) => g.image("web-image", ["linux/arm/v7"]), (g: GraphBuilder) => index(g, "web", ["linux/arm/v7", "linux/s390x"])]) {
                const g = new GraphBuilder();
                const service = express(g, image(g));
                const [d, ...rest] = await only(g, RULE);
                assert.deepEqual(rest, []);
                assert.equal(d.urn, service.urn);
                assert.equal(d.level, "mandatory");
                assert.match(d.message, /^ECS Express Mode service 'web-service' runs its image's architecture \(Express Mode declares X86_64 and runs the image's own architecture when the image lacks it\), but its image 'web(-image|-index)' \((docker-build:index:Image|docker-build:index:Index)\) is built for linux\/arm\/v7.*, none of which Fargate runs\. Fix: build it for linux\/arm64 or linux\/amd64\.$/);
            }
        });

        it("still passes an index mixing a runnable platform with one Fargate does not run", async () => {
            const g = new GraphBuilder();
            express(g, index(g, "web", ["linux/arm64", "linux/arm/v7"]));
            assert.deepEqual(await only(g, RULE), []);
        });
    });
});
