import { strict as assert } from "assert";
import { Diagnostic } from "../../cli/src/policy-gate/analyzer-client";
import { DIGEST, GraphBuilder, UNKNOWN } from "../support/graph";
import { configureFor, policyPack } from "../support/policy-pack";

const RULE = "kubernetes-workload-schedulable";

async function findings(g: GraphBuilder): Promise<Diagnostic[]> {
    return (await (await policyPack()).analyzeStack(g.resources)).filter((d) => d.policy === RULE);
}

/** A Deployment with an optional arch nodeSelector and tolerations. */
function deployment(g: GraphBuilder, arch?: string, tolerations?: unknown[]): void {
    g.add("kubernetes:apps/v1:Deployment", "api", { spec: { template: { spec: {
        containers: [{ name: "api", image: `repo@${DIGEST}` }],
        ...(arch ? { nodeSelector: { "kubernetes.io/arch": arch } } : {}),
        ...(tolerations ? { tolerations } : {}),
    } } } });
}

function autoModeCluster(g: GraphBuilder, nodePools: unknown): void {
    g.add("aws:eks/cluster:Cluster", "cluster", { computeConfig: { enabled: true, nodePools }, roleArn: "arn:aws:iam::123456789012:role/c" });
}

function karpenterPool(g: GraphBuilder, name: string, requirements: unknown[], taints?: unknown[]): void {
    g.add("kubernetes:karpenter.sh/v1:NodePool", name, { spec: { template: { spec: {
        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
        requirements,
        ...(taints ? { taints } : {}),
    } } } });
}

const arch = (operator: string, values: string[]) => ({ key: "kubernetes.io/arch", operator, values });

describe("policy pack over the analyzer protocol: kubernetes-workload-schedulable (node groups, Karpenter, EKS Auto Mode)", function () {
    this.timeout(120_000);
    before(() => configureFor("prod"));

    it("fails an arm64 workload on EKS Auto Mode's general-purpose pool (amd64 only)", async () => {
        const g = new GraphBuilder();
        autoModeCluster(g, ["general-purpose"]);
        deployment(g, "arm64");
        const [d, ...rest] = await findings(g);
        assert.deepEqual(rest, []);
        assert.match(d.message, /^Deployment 'api' needs arm64 nodes \(nodeSelector kubernetes.io\/arch: arm64\), but no node pool it can use offers them.*EKS Auto Mode pool 'general-purpose' of cluster 'cluster': x86_64.*Fix: add a node pool with kubernetes.io\/arch In \["arm64"\]/);
    });

    it("counts Auto Mode's system pool only for pods that tolerate CriticalAddonsOnly", async () => {
        const untolerated = new GraphBuilder();
        autoModeCluster(untolerated, ["general-purpose", "system"]);
        deployment(untolerated, "arm64");
        assert.match((await findings(untolerated))[0].message, /system' of cluster 'cluster': arm64, x86_64 \(taint CriticalAddonsOnly not tolerated\)/);
        const tolerated = new GraphBuilder();
        autoModeCluster(tolerated, ["general-purpose", "system"]);
        deployment(tolerated, "arm64", [{ key: "CriticalAddonsOnly", operator: "Exists" }]);
        assert.deepEqual(await findings(tolerated), []);
    });

    it("passes an arm64 workload with an arm64 Karpenter NodePool, and one whose pool states no architecture", async () => {
        for (const requirements of [[arch("In", ["arm64"])], [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }]]) {
            const g = new GraphBuilder();
            autoModeCluster(g, ["general-purpose"]);
            karpenterPool(g, "graviton", requirements);
            deployment(g, "arm64");
            assert.deepEqual(await findings(g), [], JSON.stringify(requirements));
        }
    });

    it("fails when every Karpenter pool excludes the architecture (In amd64, NotIn arm64) or is tainted", async () => {
        const g = new GraphBuilder();
        karpenterPool(g, "x86", [arch("In", ["amd64"])]);
        karpenterPool(g, "not-arm", [arch("NotIn", ["arm64"])]);
        karpenterPool(g, "gpu", [arch("In", ["arm64"])], [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }]);
        deployment(g, "arm64");
        const [d] = await findings(g);
        assert.match(d.message, /Karpenter NodePool 'x86': x86_64; Karpenter NodePool 'not-arm': x86_64; Karpenter NodePool 'gpu': arm64 \(taint nvidia.com\/gpu not tolerated\)/);
    });

    it("reads managed node groups too, and says nothing for a stack that declares no nodes", async () => {
        const g = new GraphBuilder();
        g.add("aws:eks/nodeGroup:NodeGroup", "x86-nodes", { clusterName: "c", amiType: "AL2023_x86_64_STANDARD", instanceTypes: ["m7i.large"] });
        deployment(g, "arm64");
        assert.equal((await findings(g)).length, 1);
        const none = new GraphBuilder();
        deployment(none, "arm64");
        assert.deepEqual(await findings(none), []);
    });

    it("concludes nothing while a pool is unknown during a preview (it might offer the architecture)", async () => {
        const g = new GraphBuilder();
        karpenterPool(g, "x86", [arch("In", ["amd64"])]);
        g.add("kubernetes:karpenter.sh/v1:NodePool", "computed", { spec: UNKNOWN });
        deployment(g, "arm64");
        assert.deepEqual(await findings(g), []);
    });
});
