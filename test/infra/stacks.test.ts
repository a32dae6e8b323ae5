import { strict as assert } from "assert";
import { instanceTypeArchitecture, amiTypeArchitecture } from "../../components/platform";
import { Registration } from "../support/mock-runtime";
import { runInfra } from "../support/run-infra";

const byType = (regs: Registration[], type: string) => regs.filter((r) => r.type === type);
const one = (regs: Registration[], type: string, name: string) => {
    const found = regs.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `expected one ${type} ${name}`);
    return found[0];
};
/** The docker-build Image whose digest a consumer's input was computed from. */
function imageBehind(regs: Registration[], consumer: Registration, input: string): Registration {
    const urns = consumer.propertyDependencies[input] ?? [];
    const images = regs.filter((r) => r.type === "docker-build:index:Image");
    // The input depends on the ServiceImage component (or the Image itself); follow parents to the Image.
    const image = images.find((img) => urns.includes(img.urn) || urns.includes(img.parent));
    assert.ok(image, `${consumer.name}.${input} is not traceable to an image (deps: ${urns.join(", ")})`);
    return image;
}

for (const stack of ["dev", "prod"]) {
    describe(`infra program on Pulumi.${stack}.yaml (under mocks)`, () => {
        let regs: Registration[];
        before(async () => { regs = (await runInfra(stack)).registrations; });

        it("runs every Lambda as arm64 from a linux/arm64 image referenced by digest", () => {
            const functions = byType(regs, "aws:lambda/function:Function");
            assert.ok(functions.length >= 1);
            for (const fn of functions) {
                assert.deepEqual(fn.inputs.architectures, ["arm64"], fn.name);
                assert.equal(fn.inputs.packageType, "Image");
                assert.match(String(fn.inputs.imageUri), /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[^@:]+@sha256:[0-9a-f]{64}$/);
                const image = imageBehind(regs, fn, "imageUri");
                assert.deepEqual(image.inputs.platforms, ["linux/arm64"]);
                assert.equal(image.inputs.exec, false, "Lambda images must use the embedded client (no provenance index)");
            }
        });

        it("keeps every node group's AMI type and instance types on one architecture (Graviton)", () => {
            const groups = byType(regs, "aws:eks/nodeGroup:NodeGroup");
            assert.ok(groups.length >= 1);
            for (const group of groups) {
                const arch = amiTypeArchitecture(String(group.inputs.amiType));
                for (const type of group.inputs.instanceTypes as string[]) {
                    assert.equal(instanceTypeArchitecture(type), arch, `${group.name}: ${type} vs ${String(group.inputs.amiType)}`);
                }
            }
            assert.equal(one(regs, "aws:eks/nodeGroup:NodeGroup", "graviton-nodes").inputs.amiType, "AL2023_ARM_64_STANDARD");
            assert.equal(byType(regs, "aws:eks/nodeGroup:NodeGroup").length, 1, "no x86 group unless an eks service asks for x86_64");
        });

        it("pins every Deployment to arm64 nodes, running an arm64 image", () => {
            const deployments = byType(regs, "kubernetes:apps/v1:Deployment");
            assert.ok(deployments.length >= 1);
            for (const dep of deployments) {
                const spec = (dep.inputs.spec as any).template.spec;
                assert.deepEqual(spec.nodeSelector, { "kubernetes.io/arch": "arm64" });
                assert.deepEqual(imageBehind(regs, dep, "spec").inputs.platforms, ["linux/arm64"]);
            }
        });

        it("builds App Runner images for linux/amd64", () => {
            const services = byType(regs, "aws:apprunner/service:Service");
            assert.ok(services.length >= 1);
            for (const svc of services) {
                assert.deepEqual(imageBehind(regs, svc, "sourceConfiguration").inputs.platforms, ["linux/amd64"]);
            }
        });

        it("runs ECS tasks on the architecture of their image", () => {
            for (const task of byType(regs, "aws:ecs/taskDefinition:TaskDefinition")) {
                const platform = (imageBehind(regs, task, "containerDefinitions").inputs.platforms as string[])[0];
                assert.equal((task.inputs.runtimePlatform as any).cpuArchitecture, platform === "linux/arm64" ? "ARM64" : "X86_64");
            }
        });

        it("gives each service its own repository and one single-platform image", () => {
            assert.equal(byType(regs, "aws:ecr/repository:Repository").length, 4);
            for (const image of byType(regs, "docker-build:index:Image")) {
                assert.equal((image.inputs.platforms as string[]).length, 1, image.name);
                assert.equal(image.inputs.push, true);
            }
        });

        it("hands each container its per-architecture runtime settings", () => {
            const fn = one(regs, "aws:lambda/function:Function", "thumbnails-fn");
            assert.equal((fn.inputs.environment as any).variables.POLYARCH_ARCH, "arm64");
            const app = one(regs, "aws:apprunner/service:Service", "storefront-legacy-service");
            const env = (app.inputs.sourceConfiguration as any).imageRepository.imageConfiguration.runtimeEnvironmentVariables;
            assert.equal(env.POLYARCH_ARCH, "x86_64");
            assert.equal(env.MALLOC_ARENA_MAX, undefined);
        });
    });
}

describe("dev and prod differ where prod must be safer", () => {
    let dev: Registration[];
    let prod: Registration[];
    before(async () => {
        dev = (await runInfra("dev")).registrations;
        prod = (await runInfra("prod")).registrations;
    });

    it("protects and retains ECR repositories and the EKS cluster in prod only", () => {
        for (const type of ["aws:ecr/repository:Repository", "aws:eks/cluster:Cluster"]) {
            for (const r of byType(prod, type)) {
                assert.ok(r.protect && r.retainOnDelete, `prod ${r.name} must be protected and retained`);
            }
            for (const r of byType(dev, type)) {
                assert.ok(!r.protect && !r.retainOnDelete, `dev ${r.name} should tear down`);
            }
        }
    });

    it("uses immutable tags and a rotating customer KMS key for ECR in prod; force-delete in dev", () => {
        for (const r of byType(prod, "aws:ecr/repository:Repository")) {
            assert.equal(r.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
            assert.equal(r.inputs.forceDelete, false);
            assert.match(String((r.inputs.encryptionConfigurations as any)[0].kmsKey), /^arn:aws:kms:/);
        }
        const key = one(prod, "aws:kms/key:Key", "ecr-key");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.inputs.deletionWindowInDays, 30);
        for (const r of byType(dev, "aws:ecr/repository:Repository")) {
            assert.equal(r.inputs.imageTagMutability, "MUTABLE");
            assert.equal(r.inputs.forceDelete, true);
        }
    });

    it("makes the prod EKS API private, encrypts secrets and ships all control-plane logs", () => {
        const cluster = one(prod, "aws:eks/cluster:Cluster", "eks-cluster").inputs as any;
        assert.equal(cluster.vpcConfig.endpointPublicAccess, false);
        assert.equal(cluster.vpcConfig.endpointPrivateAccess, true);
        assert.deepEqual(cluster.encryptionConfig.resources, ["secrets"]);
        assert.equal(cluster.enabledClusterLogTypes.length, 5);
        const devCluster = one(dev, "aws:eks/cluster:Cluster", "eks-cluster").inputs as any;
        assert.equal(devCluster.vpcConfig.endpointPublicAccess, true);
    });

    it("runs larger, on-demand, multi-AZ node groups and networks in prod", () => {
        const prodGroup = one(prod, "aws:eks/nodeGroup:NodeGroup", "graviton-nodes").inputs as any;
        const devGroup = one(dev, "aws:eks/nodeGroup:NodeGroup", "graviton-nodes").inputs as any;
        assert.ok(prodGroup.scalingConfig.minSize >= 3 && prodGroup.scalingConfig.minSize > devGroup.scalingConfig.minSize);
        assert.equal(prodGroup.capacityType, "ON_DEMAND");
        assert.equal(devGroup.capacityType, "SPOT");
        assert.equal(one(prod, "awsx:ec2:Vpc", "network").inputs.numberOfAvailabilityZones, 3);
        assert.equal(one(dev, "awsx:ec2:Vpc", "network").inputs.numberOfAvailabilityZones, 2);
        assert.deepEqual(one(prod, "awsx:ec2:Vpc", "network").inputs.natGateways, { strategy: "OnePerAz" });
    });

    it("keeps logs longer in prod", () => {
        const days = (regs: Registration[]) => byType(regs, "aws:cloudwatch/logGroup:LogGroup").map((r) => r.inputs.retentionInDays as number);
        assert.ok(Math.min(...days(prod)) > Math.max(...days(dev)));
    });

    it("builds prod images on the named native builder", () => {
        for (const image of byType(prod, "docker-build:index:Image")) {
            assert.deepEqual(image.inputs.builder, { name: "polyarch-native" });
        }
    });
});
