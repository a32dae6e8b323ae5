import { strict as assert } from "assert";
import { EksCluster } from "../../components/eks-cluster";
import { NodeGroup } from "../../components/node-group";
import { Workload } from "../../components/workload";
import { externalImage } from "../support/fixtures";
import { inputsOf, ofType, registrations, reset, resolve, settle } from "../support/mock-runtime";

async function assertRefused(construct: () => unknown, propertyPath: string, message: RegExp): Promise<void> {
    await settle();
    const before = registrations.length;
    assert.throws(construct, (err: any) => err.propertyPath === propertyPath && message.test(err.message));
    await settle();
    assert.equal(registrations.length, before, "nothing may be registered after a refusal");
}

describe("EksCluster", () => {
    beforeEach(reset);

    it("encrypts secrets with a rotating key, ships every log type and uses API authentication", async () => {
        new EksCluster("main", { subnetIds: ["subnet-a", "subnet-b"], endpointPublicAccess: false });
        const cluster = await inputsOf("aws:eks/cluster:Cluster", "main-cluster");
        assert.deepEqual(cluster.encryptionConfig.resources, ["secrets"]);
        assert.match(cluster.encryptionConfig.provider.keyArn, /^arn:aws:kms:/);
        assert.deepEqual(cluster.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        assert.equal(cluster.vpcConfig.endpointPrivateAccess, true);
        assert.equal(cluster.vpcConfig.endpointPublicAccess, false);
        assert.equal(cluster.accessConfig.authenticationMode, "API");
        const key = await inputsOf("aws:kms/key:Key", "main-secrets-key");
        assert.equal(key.enableKeyRotation, true);
        assert.equal(key.deletionWindowInDays, 30);
    });

    it("produces a secret kubeconfig that authenticates with aws eks get-token", async () => {
        const cluster = new EksCluster("kc", { subnetIds: ["subnet-a"] });
        const kubeconfig = JSON.parse(await resolve(cluster.kubeconfig));
        assert.match(kubeconfig.clusters[0].cluster.server, /^https:\/\/.*\.eks\.amazonaws\.com$/);
        assert.deepEqual(kubeconfig.users[0].user.exec.args.slice(0, 2), ["eks", "get-token"]);
        assert.ok(await new Promise((done) => (cluster.kubeconfig as any).isSecret.then(done)), "kubeconfig must be a secret");
    });
});

describe("NodeGroup", () => {
    beforeEach(reset);
    const base = { clusterName: "c", subnetIds: ["subnet-a"] };

    it("defaults an arm64 group to AL2023 ARM and Graviton instances from the catalog", async () => {
        new NodeGroup("arm", { ...base, architecture: "arm64" });
        const ng = await inputsOf("aws:eks/nodeGroup:NodeGroup", "arm-nodes");
        assert.equal(ng.amiType, "AL2023_ARM_64_STANDARD");
        assert.deepEqual(ng.instanceTypes, ["m7g.large", "m6g.large"]);
    });

    it("defaults an x86_64 group to AL2023 x86 and x86 instances", async () => {
        new NodeGroup("x86", { ...base, architecture: "x86_64", os: "bottlerocket" });
        const ng = await inputsOf("aws:eks/nodeGroup:NodeGroup", "x86-nodes");
        assert.equal(ng.amiType, "BOTTLEROCKET_x86_64");
        assert.deepEqual(ng.instanceTypes, ["m7i.large", "m6i.large"]);
    });

    it("attaches only the worker, CNI and ECR read-only policies to nodes", async () => {
        new NodeGroup("pol", { ...base, architecture: "arm64" });
        const arns = (await ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).map((r) => r.inputs.policyArn).sort();
        assert.deepEqual(arns, [
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        ]);
    });

    it("refuses AL2023_ARM_64_STANDARD with m5.large, naming the instance type", async () => {
        await assertRefused(() => new NodeGroup("mix", { ...base, architecture: "arm64", amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["m7g.large", "m5.large"] }),
            "instanceTypes[1]", /'m5.large' is x86_64 but AMI type 'AL2023_ARM_64_STANDARD' \(arm64\) needs arm64 instances/);
    });

    it("refuses an AMI type of the other architecture", async () => {
        await assertRefused(() => new NodeGroup("ami", { ...base, architecture: "arm64", amiType: "AL2023_x86_64_STANDARD" }),
            "amiType", /boots x86_64 but the node group is arm64; use 'AL2023_ARM_64_STANDARD'/);
        // The upper-case spelling the catalog once had: EKS has no such AMI type, so it is refused.
        await assertRefused(() => new NodeGroup("ami-typo", { ...base, architecture: "x86_64", amiType: "AL2023_X86_64_STANDARD" }),
            "amiType", /'AL2023_X86_64_STANDARD' is not an EKS AMI type; use 'AL2023_x86_64_STANDARD'/);
    });

    it("falls back to instance types when a launch template hides the AMI", async () => {
        new NodeGroup("lt", { ...base, architecture: "arm64", launchTemplate: { id: "lt-1", version: "3" }, instanceTypes: ["c7g.xlarge"] });
        const ng = await inputsOf("aws:eks/nodeGroup:NodeGroup", "lt-nodes");
        assert.equal(ng.amiType, undefined);
        await assertRefused(() => new NodeGroup("lt2", { ...base, architecture: "arm64", launchTemplate: { id: "lt-1", version: "3" }, instanceTypes: ["c5.xlarge"] }),
            "instanceTypes[0]", /'c5.xlarge' is x86_64 but the node group's arm64 needs arm64 instances/);
    });

    it("refuses an unknown AMI type and impossible scaling", async () => {
        await assertRefused(() => new NodeGroup("unk", { ...base, architecture: "arm64", amiType: "AL2025_ARM" }), "amiType", /not an EKS AMI type/);
        await assertRefused(() => new NodeGroup("sc", { ...base, architecture: "arm64", scaling: { min: 3, desired: 1, max: 2 } }), "scaling", /min <= desired <= max/);
    });
});

describe("Workload", () => {
    beforeEach(reset);

    it("selects arm64 nodes for an arm64 image and runs it by digest", async () => {
        new Workload("api", { image: externalImage("arm64") });
        const dep = await inputsOf("kubernetes:apps/v1:Deployment", "api-deployment");
        const pod = dep.spec.template.spec;
        assert.deepEqual(pod.nodeSelector, { "kubernetes.io/arch": "arm64" });
        assert.match(pod.containers[0].image, /@sha256:/);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.containers[0].readinessProbe.httpGet.path, "/healthz");
        assert.ok(pod.containers[0].env.some((e: any) => e.name === "WEB_CONCURRENCY" && e.value === "1"));
    });

    it("selects amd64 nodes for an x86_64 image", async () => {
        new Workload("old", { image: externalImage("x86_64") });
        const dep = await inputsOf("kubernetes:apps/v1:Deployment", "old-deployment");
        assert.deepEqual(dep.spec.template.spec.nodeSelector, { "kubernetes.io/arch": "amd64" });
        const svc = await inputsOf("kubernetes:core/v1:Service", "old-service");
        assert.equal(svc.spec.ports[0].targetPort, 8080);
    });

    it("refuses an image no node group of the cluster can run", async () => {
        await assertRefused(() => new Workload("orphan", { image: externalImage("x86_64"), nodeArchitectures: ["arm64"] }),
            "image", /the image is x86_64 but the cluster only has arm64 node groups; add a x86_64 node group/);
    });
});
