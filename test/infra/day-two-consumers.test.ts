/**
 * Day two for the consumers of an image (issue 24, "find the rest of this class"): what the second
 * `up` with a changed image does, what a rollback to the previous release needs, read from each
 * provider's Create/Update/Delete at the versions the lockfile pins. Inputs and options are asserted
 * as the provider receives them under the mocks; each "fix" test fails with its fix reverted, each
 * "guard" test pins a property the day-two answer relies on.
 */
import { strict as assert } from "assert";
import { AppRunnerService } from "../../components/apprunner";
import { EcsService } from "../../components/ecs";
import { EksCluster } from "../../components/eks-cluster";
import { NodeGroup } from "../../components/node-group";
import { PATCH_FORCE_ANNOTATION, Workload } from "../../components/workload";
import { externalImage } from "../support/fixtures";
import { inputsOf, ofType, registrationOf, reset } from "../support/mock-runtime";

const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const ECS_SERVICE = "aws:ecs/service:Service";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const network = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };

describe("day two: consumers of an image on a second up, a preview and a rollback", () => {
    beforeEach(reset);

    describe("ECS service (terraform-provider-aws internal/service/ecs)", () => {
        it("fix: `up` waits for the deployment, so a circuit-breaker rollback fails it instead of reporting success", async () => {
            // service.go resourceServiceUpdate -> waitServiceStable -> findDeploymentStatus returns an
            // error on ROLLBACK_SUCCESSFUL / STOPPED / ROLLBACK_FAILED, but only with wait_for_steady_state.
            new EcsService("orders", { image: externalImage("arm64", "orders"), ...network });
            const service = await inputsOf(ECS_SERVICE, "orders-service");
            assert.equal(service.waitForSteadyState, true);
            assert.deepEqual(service.deploymentCircuitBreaker, { enable: true, rollback: true });
            assert.equal(service.taskDefinition, (await registrationOf(TASK_DEFINITION, "orders-task")).wireOutputs.arn);
        });

        it("fix: a replaced task definition stays ACTIVE, so the service can be pointed back at it", async () => {
            // task_definition.go resourceTaskDefinitionDelete deregisters unless skip_destroy, and ECS
            // refuses UpdateService to an INACTIVE revision (AWS docs: DeregisterTaskDefinition).
            new EcsService("billing", { image: externalImage("x86_64", "billing"), ...network, loadBalancerSubnetIds: ["subnet-p1"] });
            const task = await registrationOf(TASK_DEFINITION, "billing-task");
            assert.equal(task.inputs.skipDestroy, true);
            // Create-before-delete: the family is not unique, so the new revision exists before the
            // old one is "deleted" (kept); nothing may force delete-before-replace.
            assert.notEqual(task.options.deleteBeforeReplace, true);
            assert.equal(task.inputs.family, "billing");
        });
    });

    describe("Kubernetes Deployment (pulumi-kubernetes provider/pkg/await)", () => {
        it("fix: the program retakes the pod template after a `kubectl rollout undo`", async () => {
            // await.go patchForce: the annotation forces server-side apply over another field manager.
            new Workload("api", { image: externalImage("arm64") });
            const dep = await inputsOf(DEPLOYMENT, "api-deployment");
            assert.equal(dep.metadata.annotations[PATCH_FORCE_ANNOTATION], "true");
            assert.equal(PATCH_FORCE_ANNOTATION, "pulumi.com/patchForce");
            // The rollout history `kubectl rollout undo` reads stays the default (10 ReplicaSets).
            assert.equal(dep.spec.revisionHistoryLimit, undefined);
        });

        it("fix: a drain (node group replaced or updated) evicts one pod at a time", async () => {
            new Workload("web", { image: externalImage("arm64"), namespace: "apps", replicas: 3 });
            const dep = await inputsOf(DEPLOYMENT, "web-deployment");
            const pdb = await inputsOf(PDB, "web-pdb");
            assert.equal(pdb.spec.maxUnavailable, 1);
            assert.deepEqual(pdb.spec.selector.matchLabels, dep.spec.selector.matchLabels);
            assert.deepEqual(pdb.spec.selector.matchLabels, dep.spec.template.metadata.labels);
            assert.equal(pdb.spec.unhealthyPodEvictionPolicy, "AlwaysAllow", "a crash-looping pod must never block a drain");
            assert.equal(pdb.metadata.namespace, "apps");
            assert.equal((await registrationOf(PDB, "web-pdb")).parent, (await registrationOf("polyarch:kubernetes:Workload", "web")).urn);
        });
    });

    describe("EKS node group and cluster (terraform-provider-aws internal/service/eks)", () => {
        it("guard: a ForceNew change (amiType, instanceTypes, capacityType) replaces create-before-delete under an autoname", async () => {
            // node_group.go: those inputs are ForceNew; pulumi-aws autonames node_group_name, so the
            // replacement never collides with the old group, which is drained only once the new one is ACTIVE.
            new NodeGroup("graviton", { clusterName: "c", subnetIds: ["subnet-a"], architecture: "arm64", capacityType: "SPOT" });
            const ng = await registrationOf("aws:eks/nodeGroup:NodeGroup", "graviton-nodes");
            assert.equal(ng.inputs.nodeGroupName, undefined);
            assert.equal(ng.inputs.nodeGroupNamePrefix, undefined);
            assert.notEqual(ng.options.deleteBeforeReplace, true);
            assert.deepEqual(ng.options.ignoreChanges, ["scalingConfig.desiredSize"]);
        });

        it("guard: the cluster keeps its fixed name, so a ForceNew change fails at create instead of deleting the cluster", async () => {
            new EksCluster("eks", { subnetIds: ["subnet-a", "subnet-b"], protectData: true });
            const cluster = await registrationOf("aws:eks/cluster:Cluster", "eks-cluster");
            assert.equal(cluster.inputs.name, "polyarch-dev-eks");
            assert.notEqual(cluster.options.deleteBeforeReplace, true);
            assert.equal(cluster.protect, true);
            assert.equal((await registrationOf("aws:kms/key:Key", "eks-secrets-key")).retainOnDelete, true);
        });
    });

    describe("App Runner service (terraform-provider-aws internal/service/apprunner)", () => {
        it("guard: a new digest is an in-place update of one service; deploys only through `up`", async () => {
            // service.go: only service_name and encryption_configuration are ForceNew.
            new AppRunnerService("legacy", { image: externalImage("x86_64", "legacy") });
            const svc = await inputsOf("aws:apprunner/service:Service", "legacy-service");
            assert.equal(svc.serviceName, "polyarch-dev-legacy");
            assert.equal(svc.encryptionConfiguration, undefined);
            assert.equal(svc.sourceConfiguration.autoDeploymentsEnabled, false);
            assert.match(svc.sourceConfiguration.imageRepository.imageIdentifier, /@sha256:[0-9a-f]{64}$/);
            assert.equal((await ofType("aws:apprunner/service:Service")).length, 1);
        });
    });
});
