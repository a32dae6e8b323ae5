import { strict as assert } from "assert";
import { Diagnostic } from "../../cli/src/policy-gate/analyzer-client";
import { DIGEST, GraphBuilder, UNKNOWN } from "../support/graph";
import { configureFor, policyPack } from "../support/policy-pack";

/** Runs `analyze` on one resource, as the engine does for each registration. */
async function analyzeOne(type: string, props: Record<string, unknown>, name = "res"): Promise<Diagnostic[]> {
    const g = new GraphBuilder();
    return (await policyPack()).analyze(g.add(type, name, props));
}
const policiesOf = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.policy).sort();

const goodRepo = {
    imageScanningConfiguration: { scanOnPush: true },
    imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
    imageTagMutabilityExclusionFilters: [{ filter: "cache-*", filterType: "WILDCARD" }],
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:us-west-2:123456789012:key/k" }],
};
const goodCluster = {
    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["s"] },
    encryptionConfig: { provider: { keyArn: "arn:aws:kms:us-west-2:123456789012:key/k" }, resources: ["secrets"] },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
};

describe("policy pack over the analyzer protocol: hygiene rules", function () {
    this.timeout(120_000);

    describe("in prod (all mandatory)", () => {
        beforeEach(() => configureFor("prod"));

        it("passes a compliant ECR repository", async () => {
            assert.deepEqual(await analyzeOne("aws:ecr/repository:Repository", goodRepo), []);
        });

        it("flags scan-on-push, mutable tags and non-KMS encryption, each with its fix", async () => {
            const diagnostics = await analyzeOne("aws:ecr/repository:Repository", { imageTagMutability: "MUTABLE" }, "bare-repo");
            assert.deepEqual(policiesOf(diagnostics), ["ecr-immutable-tags", "ecr-kms-encryption", "ecr-scan-on-push"]);
            assert.ok(diagnostics.every((d) => d.level === "mandatory" && d.message.includes("'bare-repo'") && d.message.includes("Fix:")));
        });

        it("allows only cache tags to stay mutable under IMMUTABLE_WITH_EXCLUSION", async () => {
            const diagnostics = await analyzeOne("aws:ecr/repository:Repository", { ...goodRepo,
                imageTagMutabilityExclusionFilters: [{ filter: "cache-*", filterType: "WILDCARD" }, { filter: "latest", filterType: "WILDCARD" }] });
            assert.deepEqual(diagnostics.map((d) => d.message), ["ECR repository 'res' keeps tags latest mutable. Fix: exclude only cache-*."]);
        });

        it("requires a customer-managed KMS key in prod", async () => {
            const diagnostics = await analyzeOne("aws:ecr/repository:Repository", { ...goodRepo, encryptionConfigurations: [{ encryptionType: "KMS" }] });
            assert.deepEqual(policiesOf(diagnostics), ["ecr-kms-encryption"]);
            assert.match(diagnostics[0].message, /AWS-managed KMS key; this stack requires a customer-managed key/);
        });

        it("passes a private, encrypted, fully logged EKS cluster", async () => {
            assert.deepEqual(await analyzeOne("aws:eks/cluster:Cluster", goodCluster), []);
        });

        it("flags a public endpoint (EKS defaults), missing secrets encryption and missing logs", async () => {
            const diagnostics = await analyzeOne("aws:eks/cluster:Cluster", { vpcConfig: { subnetIds: ["s"] }, enabledClusterLogTypes: ["api"] });
            assert.deepEqual(policiesOf(diagnostics), ["eks-control-plane-logging", "eks-private-endpoint", "eks-secrets-encryption"]);
            const logging = diagnostics.find((d) => d.policy === "eks-control-plane-logging");
            assert.match(logging?.message ?? "", /does not log audit, authenticator, controllerManager, scheduler/);
            const endpoint = diagnostics.find((d) => d.policy === "eks-private-endpoint");
            assert.match(endpoint?.message ?? "", /endpointPublicAccess true and endpointPrivateAccess false/);
        });

        it("does not guess about unknown cluster settings", async () => {
            const diagnostics = await analyzeOne("aws:eks/cluster:Cluster", { ...goodCluster, vpcConfig: { endpointPublicAccess: UNKNOWN, endpointPrivateAccess: true } });
            assert.deepEqual(diagnostics, []);
        });

        it("requires active tracing on Lambda", async () => {
            const diagnostics = await analyzeOne("aws:lambda/function:Function", { packageType: "Image", imageUri: `r@${DIGEST}`, architectures: ["arm64"] }, "fn");
            assert.deepEqual(diagnostics.map((d) => [d.policy, d.level, d.message]),
                [["lambda-tracing-active", "mandatory", "Lambda function 'fn' has tracing off. Fix: set tracingConfig.mode to Active."]]);
        });

        it("refuses images referenced by tag for Lambda, App Runner, ECS and Kubernetes", async () => {
            const cases: [string, Record<string, unknown>][] = [
                ["aws:lambda/function:Function", { packageType: "Image", imageUri: "repo:latest", tracingConfig: { mode: "Active" } }],
                ["aws:apprunner/service:Service", { sourceConfiguration: { imageRepository: { imageIdentifier: "repo:v1" } } }],
                ["aws:ecs/taskDefinition:TaskDefinition", { containerDefinitions: JSON.stringify([{ name: "a", image: `repo@${DIGEST}` }, { name: "b", image: "nginx:latest" }]) }],
                ["kubernetes:apps/v1:Deployment", { spec: { template: { spec: { nodeSelector: { "kubernetes.io/arch": "arm64" }, containers: [{ name: "a", image: "busybox" }] } } } }],
            ];
            for (const [type, props] of cases) {
                const diagnostics = (await analyzeOne(type, props)).filter((d) => d.policy === "image-reference-by-digest");
                assert.equal(diagnostics.length, 1, type);
                assert.match(diagnostics[0].message, /by tag\. Fix: reference it by digest/);
            }
            const pinned = await analyzeOne("aws:lambda/function:Function", { packageType: "Image", imageUri: `repo@${DIGEST}`, architectures: ["arm64"], tracingConfig: { mode: "Active" } });
            assert.deepEqual(pinned, []);
            const unknown = await analyzeOne("aws:lambda/function:Function", { packageType: "Image", imageUri: UNKNOWN, architectures: ["arm64"], tracingConfig: { mode: "Active" } });
            assert.deepEqual(unknown, [], "an unknown URI (a digest computed at deploy) is not a tag");
        });

        it("refuses an IAM policy allowing * on *, in managed, inline and role-embedded policies", async () => {
            const admin = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
            for (const [type, props] of [
                ["aws:iam/policy:Policy", { policy: admin }],
                ["aws:iam/rolePolicy:RolePolicy", { role: "r", policy: admin }],
                ["aws:iam/role:Role", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "x", policy: admin }] }],
            ] as const) {
                const [d] = await analyzeOne(type, props as Record<string, unknown>);
                assert.equal(d?.policy, "iam-no-admin-wildcard", type);
                assert.match(d.message, /allows Action "\*" on Resource "\*" \(statement 0\)/);
            }
            const scoped = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "xray:PutTraceSegments", Resource: "*" }] });
            assert.deepEqual(await analyzeOne("aws:iam/policy:Policy", { policy: scoped }), []);
        });

        it("refuses a node group mixing Graviton and x86 (AL2023_ARM_64_STANDARD with m5.large)", async () => {
            const [d, ...rest] = await analyzeOne("aws:eks/nodeGroup:NodeGroup", { amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["m7g.large", "m5.large"] }, "ng");
            assert.equal(rest.length, 0);
            assert.equal(d.message, "EKS node group 'ng': AMI type AL2023_ARM_64_STANDARD boots arm64 but m5.large (x86_64) is not. " +
                "Fix: use arm64 instance types such as m7g.large, m6g.large, or a separate node group.");
            assert.deepEqual(await analyzeOne("aws:eks/nodeGroup:NodeGroup", { amiType: "BOTTLEROCKET_ARM_64", instanceTypes: ["c7g.large", "t4g.medium"] }), []);
        });

        it("falls back to instance types when a launch template hides the AMI", async () => {
            const [d] = await analyzeOne("aws:eks/nodeGroup:NodeGroup", { launchTemplate: { id: "lt", version: "1" }, instanceTypes: ["c7g.large", "c5.large"] }, "lt-ng");
            assert.match(d.message, /its other instance types are arm64 but c5.large \(x86_64\) is not/);
        });
    });

    describe("in dev (iteration-friendly levels)", () => {
        beforeEach(() => configureFor("dev"));

        it("makes immutable tags, private endpoint and secrets encryption advisory, logging api+audit only", async () => {
            const repo = await analyzeOne("aws:ecr/repository:Repository", { ...goodRepo, imageTagMutability: "MUTABLE", encryptionConfigurations: [{ encryptionType: "KMS" }] });
            assert.deepEqual(repo.map((d) => [d.policy, d.level]), [["ecr-immutable-tags", "advisory"]]);
            const cluster = await analyzeOne("aws:eks/cluster:Cluster", { vpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: true }, enabledClusterLogTypes: ["api", "audit"] });
            assert.deepEqual(cluster.map((d) => [d.policy, d.level]).sort(), [["eks-private-endpoint", "advisory"], ["eks-secrets-encryption", "advisory"]]);
        });

        it("keeps the IAM and node-group rules mandatory", async () => {
            const [d] = await analyzeOne("aws:eks/nodeGroup:NodeGroup", { amiType: "AL2023_x86_64_STANDARD", instanceTypes: ["m7g.large"] });
            assert.equal(d.level, "mandatory");
        });
    });

    describe("per-rule config", () => {
        it("skips resources listed in excludeResourceNames", async () => {
            await configureFor({ all: "mandatory", "ecr-scan-on-push": { excludeResourceNames: ["legacy-repo"] } });
            const diagnostics = await analyzeOne("aws:ecr/repository:Repository", { ...goodRepo, imageScanningConfiguration: { scanOnPush: false } }, "legacy-repo");
            assert.deepEqual(diagnostics, []);
        });

        it("turns a rule off with 'disabled'", async () => {
            await configureFor({ "lambda-tracing-active": "disabled" });
            assert.deepEqual(await analyzeOne("aws:lambda/function:Function", { packageType: "Image", imageUri: `r@${DIGEST}`, architectures: ["arm64"] }), []);
        });
    });
});
