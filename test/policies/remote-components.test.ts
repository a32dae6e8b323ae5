import { strict as assert } from "assert";
import { AnalyzerResourceInput, Diagnostic } from "../../cli/src/policy-gate/analyzer-client";
import { GraphBuilder, UNKNOWN } from "../support/graph";
import { configureFor, policyPack } from "../support/policy-pack";

/**
 * awsx 3 and @pulumi/eks 4 are multi-language components (issue 28, item 1). The engine sends a
 * resource's inputs to Analyze and its outputs to AnalyzeStack, a component's outputs being only
 * what it registers; under the real CLI the component's provider also registers children. So the
 * pack is driven here as the engine drives it: Analyze for every resource in registration order,
 * then AnalyzeStack. "Unexpanded" is the gate (no children); "expanded" is what the real CLI sends
 * (the component, awsx's nested task definition with no inputs, and the aws resources it creates).
 */
describe("policy pack over the analyzer protocol: multi-language components (awsx, @pulumi/eks)", function () {
    this.timeout(120_000);
    before(() => configureFor("prod"));

    async function analyzeAll(g: GraphBuilder, outputs: Map<AnalyzerResourceInput, Record<string, unknown>> = new Map()): Promise<Diagnostic[]> {
        const pack = await policyPack();
        const perResource: Diagnostic[] = [];
        for (const resource of g.resources) {
            perResource.push(...await pack.analyze(resource));
        }
        const stack = await pack.analyzeStack(g.resources.map((r) => (outputs.has(r) ? { ...r, properties: outputs.get(r)! } : r)));
        return [...perResource, ...stack];
    }
    const architectural = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.policy !== "image-reference-by-digest");

    /**
     * An awsx FargateService running an awsx ecr.Image; `expanded` adds what awsx's provider
     * registers. `seen`: whether Analyze got the components' inputs (the gate) or the provider's own
     * registrations, which carry none (the CLI: source_eval.go sends a remote registration to
     * Construct, and awsx's provider registers its components with `{}`).
     */
    function fargate(g: GraphBuilder, platform: string, runtimePlatform: Record<string, unknown> | undefined, expanded: boolean, seen = true) {
        const image = g.add("awsx:ecr:Image", "app-image", seen ? { repositoryUrl: "123456789012.dkr.ecr.us-west-2.amazonaws.com/app", context: "./app", platform } : {});
        const imageUri = UNKNOWN;
        if (expanded) {
            g.add("docker-build:index:Image", "app-image", { push: true, platforms: [platform] }, { parent: image });
        }
        const taskDefinitionArgs = { container: { name: "app", image: imageUri, cpu: 256, memory: 512 }, ...(runtimePlatform ? { runtimePlatform } : {}) };
        const service = g.add("awsx:ecs:FargateService", "web", seen ? { cluster: "arn:aws:ecs:us-west-2:123456789012:cluster/c", taskDefinitionArgs } : {},
            { deps: seen ? { taskDefinitionArgs: [image] } : {} });
        const outputs = new Map<AnalyzerResourceInput, Record<string, unknown>>([[image, { imageUri }], [service, { service: UNKNOWN, taskDefinition: UNKNOWN }]]);
        if (expanded) {
            const nested = g.add("awsx:ecs:FargateTaskDefinition", "web", {}, { parent: service });
            outputs.set(nested, { taskDefinition: UNKNOWN });
            g.add("aws:ecs/taskDefinition:TaskDefinition", "web", {
                family: "web", containerDefinitions: UNKNOWN, requiresCompatibilities: ["FARGATE"],
                ...(runtimePlatform ? { runtimePlatform } : {}),
            }, { parent: nested, deps: { containerDefinitions: [image] } });
        }
        return { service, outputs };
    }

    for (const expanded of [false, true]) {
        const shape = expanded ? "expanded by its provider (the real CLI)" : "unexpanded (the gate)";

        it(`fails an arm64 awsx ecr.Image on an awsx FargateService without runtimePlatform, once, on the service: ${shape}`, async () => {
            const g = new GraphBuilder();
            const { service, outputs } = fargate(g, "linux/arm64", undefined, expanded);
            const found = architectural(await analyzeAll(g, outputs));
            assert.deepEqual(found.map((d) => [d.policy, d.urn, d.level]), [["ecs-task-architecture-matches-image", service.urn, "mandatory"]]);
            assert.equal(found[0].message, "awsx FargateService 'web' runs x86_64 (taskDefinitionArgs.runtimePlatform.cpuArchitecture unset " +
                "(awsx sets none; ECS defaults to X86_64)) but its image 'app-image' (awsx:ecr:Image) is built for linux/arm64. Fix: set " +
                "taskDefinitionArgs.runtimePlatform.cpuArchitecture to ARM64, or build the image for linux/amd64.");
        });

        it(`passes the same service with runtimePlatform ARM64 (no false positive): ${shape}`, async () => {
            const g = new GraphBuilder();
            const { outputs } = fargate(g, "linux/arm64", { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" }, expanded);
            assert.deepEqual(architectural(await analyzeAll(g, outputs)), []);
        });

        it(`judges an @pulumi/eks ManagedNodeGroup from its inputs, once: ${shape}`, async () => {
            const g = new GraphBuilder();
            const cluster = g.add("eks:index:Cluster", "cluster", { skipDefaultNodeGroup: true });
            const inputs = { cluster: UNKNOWN, amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["t4g.large", "m5.large"] };
            const nodes = g.add("eks:index:ManagedNodeGroup", "nodes", inputs, { deps: { cluster: [cluster] } });
            if (expanded) {
                g.add("aws:eks/nodeGroup:NodeGroup", "nodes", { ...inputs, clusterName: UNKNOWN }, { parent: nodes });
            }
            const found = architectural(await analyzeAll(g, new Map([[nodes, { nodeGroup: UNKNOWN }], [cluster, { kubeconfig: UNKNOWN }]])));
            assert.deepEqual(found.map((d) => [d.policy, d.urn]), [["eks-nodegroup-architecture-consistent", nodes.urn]]);
            assert.match(found[0].message, /^EKS node group 'nodes': AMI type AL2023_ARM_64_STANDARD boots arm64 but m5\.large \(x86_64\) is not/);
        });

        it(`fails an amd64 image on a Kubernetes workload whose only nodes are an arm64 eks ManagedNodeGroup: ${shape}`, async () => {
            const g = new GraphBuilder();
            const cluster = g.add("eks:index:Cluster", "cluster", { skipDefaultNodeGroup: true });
            const inputs = { cluster: UNKNOWN, amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["t4g.medium"] };
            const nodes = g.add("eks:index:ManagedNodeGroup", "arm-nodes", inputs, { deps: { cluster: [cluster] } });
            if (expanded) {
                g.add("aws:eks/nodeGroup:NodeGroup", "arm-nodes", { ...inputs, clusterName: UNKNOWN }, { parent: nodes });
            }
            const image = g.image("web-image", ["linux/amd64"]);
            const web = g.add("kubernetes:apps/v1:Deployment", "web", {
                spec: { template: { spec: { securityContext: { runAsUser: 1000 }, containers: [{ name: "web", image: UNKNOWN }] } } },
            }, { deps: { spec: [image] } });
            const found = architectural(await analyzeAll(g, new Map([[nodes, { nodeGroup: UNKNOWN }], [cluster, { kubeconfig: UNKNOWN }]])))
                .filter((d) => d.policy.startsWith("kubernetes-workload"));
            assert.deepEqual(found.map((d) => [d.policy, d.urn]), [["kubernetes-workload-architecture-matches-image", web.urn]]);
        });
    }

    it("reads an eks.Cluster's default node group: t3.medium (x86_64) unless set, none when skipped", async () => {
        for (const [inputs, expected] of [
            [{ version: "1.31" }, "x86_64"], [{ version: "1.31", instanceType: "" }, "x86_64"], [{ instanceType: "m7g.large" }, "arm64"], [{ nodeGroupOptions: { instanceType: "c7g.large" } }, "arm64"],
            [{ skipDefaultNodeGroup: true }, undefined],
        ] as const) {
            const g = new GraphBuilder();
            g.add("eks:index:Cluster", "cluster", inputs);
            const image = g.image("web-image", ["linux/arm64"]);
            g.add("kubernetes:apps/v1:Deployment", "web", {
                spec: { template: { spec: { securityContext: { runAsUser: 1000 }, containers: [{ name: "web", image: UNKNOWN }] } } },
            }, { deps: { spec: [image] } });
            const found = (await analyzeAll(g)).filter((d) => d.policy.startsWith("kubernetes-workload") || d.policy === "architecture-verifiable");
            const policies = found.map((d) => d.policy);
            if (expected === "x86_64") {
                assert.deepEqual(policies, ["kubernetes-workload-architecture-matches-image"], JSON.stringify(inputs));
            } else if (expected === "arm64") {
                assert.deepEqual(policies, [], JSON.stringify(inputs));
            } else {
                // No nodes in the stack: the workload's architecture cannot be verified.
                assert.deepEqual(policies, ["architecture-verifiable"], JSON.stringify(inputs));
            }
        }
    });

    it("judges the children, once, when Analyze got the provider's own registrations with no inputs (the real CLI)", async () => {
        const g = new GraphBuilder("cli");
        const { outputs } = fargate(g, "linux/arm64", undefined, true, false);
        const found = architectural(await analyzeAll(g, outputs));
        const task = g.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
        assert.deepEqual(found.map((d) => [d.policy, d.urn]), [["ecs-task-architecture-matches-image", task?.urn]]);
        assert.match(found[0].message, /^ECS task definition 'web' runs x86_64 .* image 'app-image' \(awsx:ecr:Image\) is built for linux\/arm64/);
    });

    it("judges a user's aws.eks.NodeGroup parented to an eks.Cluster (the Cluster creates none of its own)", async () => {
        const g = new GraphBuilder("own-node-group");
        const cluster = g.add("eks:index:Cluster", "cluster", { skipDefaultNodeGroup: true });
        const nodes = g.add("aws:eks/nodeGroup:NodeGroup", "extra", { amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["m5.large"] }, { parent: cluster });
        const found = (await analyzeAll(g)).filter((d) => d.policy === "eks-nodegroup-architecture-consistent");
        assert.deepEqual(found.map((d) => d.urn), [nodes.urn]);
    });

    it("judges the children when no Analyze saw the component's inputs (a state file: AnalyzeStack only)", async () => {
        // Another stack's URNs: the shared pack process has seen this test file's other stacks.
        const g = new GraphBuilder("audited");
        const { outputs } = fargate(g, "linux/arm64", undefined, true);
        const pack = await policyPack();
        const found = architectural(await pack.analyzeStack(g.resources.map((r) => (outputs.has(r) ? { ...r, properties: outputs.get(r)! } : r))));
        const task = g.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")!;
        assert.deepEqual(found.map((d) => [d.policy, d.urn]), [["ecs-task-architecture-matches-image", task.urn]]);
    });
});
