import { strict as assert } from "assert";
import { StackOutputs } from "../../infra/program";
import { EXPRESS_INFRASTRUCTURE_POLICY } from "../../components/ecs-express";
import { LAMBDA_OPERATOR_POLICY } from "../../components/lambda-capacity-provider";
import { amiTypeArchitecture, instanceTypeArchitecture } from "../../components/platform";
import { Registration, resolve, useStack } from "../support/mock-runtime";
import { plan } from "../support/plan-cli";
import { runInfra } from "../support/run-infra";

const DIGEST_URI = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[^@:]+@sha256:[0-9a-f]{64}$/;

function one(regs: Registration[], type: string, name: string): Registration {
    const found = regs.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `expected one ${type} '${name}', got ${found.length}`);
    return found[0];
}

/**
 * Pulumi.targets.yaml: an EKS service built for both architectures, the same index on ECS, an
 * ECS Express Mode service and a Lambda on a capacity provider, run through the real program.
 */
describe("infra program on Pulumi.targets.yaml (every target, one image index)", () => {
    let regs: Registration[];
    let exports: StackOutputs;
    before(async () => ({ registrations: regs, exports } = await runInfra("targets")));
    after(() => useStack("dev"));

    it("builds catalog-api once per platform, each on its own architecture's builder with its own cache, and joins them in one Index", () => {
        const arm = one(regs, "docker-build:index:Image", "catalog-api-arm64-image").inputs as any;
        const amd = one(regs, "docker-build:index:Image", "catalog-api-amd64-image").inputs as any;
        assert.equal(regs.filter((r) => r.type === "docker-build:index:Image" && r.name.startsWith("catalog-api")).length, 2);
        assert.deepEqual([arm.platforms, amd.platforms], [["linux/arm64"], ["linux/amd64"]]);
        assert.deepEqual([arm.builder, amd.builder], [{ name: "graviton-buildkit" }, { name: "amd64-buildkit" }]);
        assert.match(arm.cacheTo[0].registry.ref, /:cache-arm64$/);
        assert.match(amd.cacheTo[0].registry.ref, /:cache-amd64$/);
        const index = one(regs, "docker-build:index:Index", "catalog-api-index");
        assert.equal((index.inputs.sources as string[]).length, 2);
        for (const source of index.inputs.sources as string[]) {
            assert.match(source, DIGEST_URI);
        }
        assert.match(String(index.inputs.tag), /:release-index-[0-9a-f]{16}$/);
        // The pack traces an Index to its platforms through these dependencies.
        for (const name of ["catalog-api-arm64-image", "catalog-api-amd64-image"]) {
            assert.ok(index.propertyDependencies.sources.includes(one(regs, "docker-build:index:Image", name).urn), name);
        }
    });

    it("runs the EKS workload from the index's digest on both node groups: affinity over arm64 and amd64, no single nodeSelector", () => {
        const spec = (one(regs, "kubernetes:apps/v1:Deployment", "catalog-api-deployment").inputs.spec as any).template.spec;
        assert.equal(spec.nodeSelector, undefined);
        assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
            [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64", "amd64"] }] }]);
        assert.match(spec.containers[0].image, DIGEST_URI);
        assert.equal(spec.containers[0].env.find((e: { name: string }) => e.name === "POLYARCH_ARCH"), undefined,
            "a pod that may land on either CPU reads its architecture at run time");
        const groups = regs.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
        assert.deepEqual(groups.map((g) => amiTypeArchitecture(String(g.inputs.amiType))).sort(), ["arm64", "x86_64"]);
        for (const group of groups) {
            for (const type of group.inputs.instanceTypes as string[]) {
                assert.equal(instanceTypeArchitecture(type), amiTypeArchitecture(String(group.inputs.amiType)));
            }
        }
    });

    it("runs the ECS task on the architecture the service chose from the same kind of index", () => {
        const task = one(regs, "aws:ecs/taskDefinition:TaskDefinition", "storefront-task").inputs as any;
        assert.deepEqual(task.runtimePlatform, { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" });
        assert.match(JSON.parse(task.containerDefinitions)[0].image, DIGEST_URI);
        one(regs, "docker-build:index:Index", "storefront-index");
    });

    it("gives the Express service a single-platform arm64 image by digest, the documented infrastructure role and no architecture input", async () => {
        const express = one(regs, "aws:ecs/expressGatewayService:ExpressGatewayService", "storefront-express-service").inputs as any;
        assert.match(express.primaryContainer.image, DIGEST_URI);
        assert.equal(express.primaryContainer.containerPort, 8080);
        assert.deepEqual([express.cpu, express.memory], ["256", "512"]);
        assert.deepEqual(express.scalingTargets, [{ minTaskCount: 1, maxTaskCount: 3, autoScalingMetric: "AVERAGE_CPU", autoScalingTargetValue: 60 }]);
        assert.equal(express.cpuArchitecture, undefined, "@pulumi/aws 7.48's ExpressGatewayService has no such input");
        assert.deepEqual(one(regs, "docker-build:index:Image", "storefront-express-image").inputs.platforms, ["linux/arm64"]);
        const attachment = one(regs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "storefront-express-infrastructure");
        assert.equal(attachment.inputs.policyArn, `arn:aws:iam::aws:policy/${EXPRESS_INFRASTRUCTURE_POLICY}`);
        assert.equal(exports.services["storefront-express"].architecture, "arm64");
        assert.match(await resolve(exports.services["storefront-express"].endpoint), /^https:\/\/.+\.on\.aws$/);
    });

    it("attaches the Lambda to an arm64 capacity provider of Graviton instance types, traced through capacityProviderConfig", () => {
        const provider = one(regs, "aws:lambda/capacityProvider:CapacityProvider", "thumbnails-capacity-provider");
        assert.deepEqual((provider.inputs.instanceRequirements as any)[0].architectures, ["arm64"]);
        assert.deepEqual((provider.inputs.instanceRequirements as any)[0].allowedInstanceTypes, ["m7g.large", "c7g.xlarge"]);
        assert.match(String((provider.inputs.vpcConfig as any).securityGroupIds[0]), /.+/);
        const operator = one(regs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "thumbnails-capacity-operator");
        assert.equal(operator.inputs.policyArn, `arn:aws:iam::aws:policy/${LAMBDA_OPERATOR_POLICY}`);
        const fn = one(regs, "aws:lambda/function:Function", "thumbnails-fn");
        assert.deepEqual(fn.inputs.architectures, ["arm64"]);
        assert.match(String((fn.inputs.capacityProviderConfig as any).lambdaManagedInstancesCapacityProviderConfig.capacityProviderArn),
            /^arn:aws:lambda:[a-z0-9-]+:\d{12}:capacity-provider:/);
        assert.ok(fn.propertyDependencies.capacityProviderConfig.includes(provider.urn));
    });

    it("plans with the architecture each service runs, every architecture rule passing", function () {
        this.timeout(120_000);
        const result = plan("--stack", "targets", "--json");
        const report = JSON.parse(result.stdout) as { diagnostics: { policy: string; urn: string }[] };
        const architectureRules = /architecture|image-runnable|schedulable|apprunner-image|verifiable/;
        assert.deepEqual(report.diagnostics.filter((d) => architectureRules.test(d.policy)), []);
        const table = plan("--stack", "targets").stdout;
        const row = (service: string) => table.split("\n").find((line) => line.startsWith(`${service} `)) ?? "";
        assert.match(row("storefront-express"), /ECS Express Mode service\s+linux\/arm64\s+arm64\s+ECS Express Mode \(Fargate\)\s+ok/);
        assert.match(row("catalog-api"), /linux\/arm64\+linux\/amd64\s+arm64\+x86_64\s+EKS nodes linux\/arm64, linux\/amd64\s+ok/);
        assert.match(row("storefront"), /linux\/amd64\+linux\/arm64\s+x86_64\s+ECS Fargate\s+ok/);
        assert.match(row("thumbnails"), /Lambda function\s+linux\/arm64\s+arm64\s+Lambda\s+ok/);
    });
});
