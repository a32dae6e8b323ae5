/**
 * ECS Express Mode on day two (issue 24, items 4, 5 and 7): the stack's network, Express's own
 * sizes, and a scaling change that reaches AWS. Inputs are asserted as the provider receives them
 * under the mocks; the provider's update semantics are modelled from terraform-provider-aws
 * `internal/service/ecs/express_gateway_service.go` (resource Schema and Update) as bundled by
 * @pulumi/aws 7.48. Each "fix" test fails with its fix reverted; each "guard" test pins a property
 * the day-two answer relies on.
 */
import { strict as assert } from "assert";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { EXPRESS_SCALING_ENVIRONMENT, EcsExpressService } from "../../components/ecs-express";
import { ServiceRepository } from "../../components/registry";
import { parseStackConfig } from "../../infra/config";
import { ecsExpressTarget } from "../../infra/targets/ecs-express";
import { StackContext, TargetService } from "../../infra/targets/target-module";
import { readStackFile } from "../../cli/src/stack-file";
import { assertRefused } from "../support/assert-refused";
import { externalImage } from "../support/fixtures";
import { Registration, inputsOf, registrationOf, useStack } from "../support/mock-runtime";
import { PROJECT_ROOT, runInfra } from "../support/run-infra";

const EXPRESS = "aws:ecs/expressGatewayService:ExpressGatewayService";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";

/**
 * express_gateway_service.go Update: `fwflex.Diff(ctx, plan, state, WithIgnoredField("active_configurations"),
 * WithIgnoredField("current_deployment"), WithIgnoredField("scaling_target"), WithIgnoredField(tags),
 * WithIgnoredField(tags_all))`, then UpdateExpressGatewayService with the whole plan only `if
 * diff.HasChanges()`. Tags reach AWS through the tagging interceptor, not this call.
 */
const IGNORED_BY_UPDATE = new Set(["scalingTargets", "tags", "tagsAll"]);

/** Whether the provider's Update calls UpdateExpressGatewayService for a change from `state` to `plan` inputs. */
function updateCallsAws(state: Record<string, unknown>, plan: Record<string, unknown>): boolean {
    const compared = (inputs: Record<string, unknown>) => Object.fromEntries(Object.entries(inputs).filter(([key]) => !IGNORED_BY_UPDATE.has(key)));
    return JSON.stringify(compared(state)) !== JSON.stringify(compared(plan));
}

/**
 * The Express service's inputs for one construction of the component, as a deploy of the same
 * program with other arguments would send them: a fresh engine each time (the same URN twice in
 * one engine is refused).
 */
async function expressInputs(args: Partial<ConstructorParameters<typeof EcsExpressService>[1]>): Promise<Record<string, any>> {
    useStack("dev");
    new EcsExpressService("web", { image: externalImage("arm64"), ...args });
    return structuredClone(await inputsOf(EXPRESS, "web-service"));
}

const PUBLIC_SUBNETS = ["subnet-pub-a", "subnet-pub-b"];
const PRIVATE_SUBNETS = ["subnet-prv-a", "subnet-prv-b"];

/**
 * Deploys the targets stack's ecs-express entry, patched, through the target module with a VPC
 * whose subnets are known (under the mocks an awsx Vpc, a remote component, returns no outputs).
 */
async function deployExpressEntry(patch: (entry: Record<string, unknown>) => Record<string, unknown>): Promise<Record<string, any>> {
    useStack("targets");
    const settings = parseStackConfig(targetsWithExpress(patch), { stack: "targets", projectRoot: PROJECT_ROOT });
    const service = settings.services.find((s) => s.target === "ecs-express") as TargetService<"ecs-express">;
    const vpc = { vpcId: pulumi.output("vpc-stack"), publicSubnetIds: pulumi.output(PUBLIC_SUBNETS), privateSubnetIds: pulumi.output(PRIVATE_SUBNETS) };
    const made = new Map<string, unknown>();
    const ctx: StackContext = {
        settings,
        tags: {},
        network: () => vpc as unknown as awsx.ec2.Vpc,
        environmentOf: () => ({}),
        exportValue: () => undefined,
        shared: <R>(key: string, make: () => R): R => {
            if (!made.has(key)) {
                made.set(key, make());
            }
            return made.get(key) as R;
        },
        record: () => undefined,
    };
    const image = externalImage("arm64");
    ecsExpressTarget.deploy?.({ service, repository: {} as ServiceRepository, image: { ...image, platform: "linux/arm64", imageUri: pulumi.output(image.imageUri) } }, ctx);
    return inputsOf(EXPRESS, `${service.name}-service`);
}

const targetsConfig = () => readStackFile(PROJECT_ROOT, "targets").config;

/** The targets stack's config with the ecs-express entry patched. */
function targetsWithExpress(patch: (entry: Record<string, unknown>) => Record<string, unknown>): Record<string, string> {
    const config = { ...targetsConfig() };
    const services = JSON.parse(config["polyarch:services"]) as Record<string, unknown>[];
    config["polyarch:services"] = JSON.stringify(services.map((e) => (e.target === "ecs-express" ? patch({ ...e }) : e)));
    return config;
}

function one(regs: Registration[], type: string, name: string): Registration {
    const found = regs.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `expected one ${type} '${name}', got ${found.length}`);
    return found[0];
}

function refusal(config: Record<string, string>): string {
    try {
        parseStackConfig(config, { stack: "targets", projectRoot: PROJECT_ROOT });
    } catch (error) {
        return (error as Error).message;
    }
    return "accepted";
}

describe("ECS Express Mode on day two: network, sizes, scaling", function () {
    this.timeout(120_000);
    after(() => useStack("dev"));

    describe("4. the stack's network, not the account's default VPC", () => {
        it("fix: sends the stack VPC's subnets and a security group (the targets stack, the real program)", async () => {
            const { registrations } = await runInfra("targets");
            const express = one(registrations, EXPRESS, "storefront-express-service");
            const vpc = one(registrations, "awsx:ec2:Vpc", "network");
            const group = one(registrations, SECURITY_GROUP, "ecs-express-tasks-8080");
            const [network] = express.inputs.networkConfigurations as { securityGroups: string[] }[];
            assert.equal(network.securityGroups.length, 1);
            // The subnets are the VPC's outputs (which the mocks leave unresolved for a remote component).
            assert.ok(express.propertyDependencies.networkConfigurations.includes(vpc.urn), "the subnets come from the stack's VPC");
            assert.ok(express.propertyDependencies.networkConfigurations.includes(group.urn), "the service uses the group");
            // Express creates its load balancer's own group; what admits it here is the VPC it sits in.
            assert.deepEqual(group.inputs.ingress, [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.20.0.0/16"], description: "Express load balancer" }]);
            assert.deepEqual((group.inputs.egress as { cidrBlocks: string[] }[])[0].cidrBlocks, ["0.0.0.0/0"]);
        });

        it("fix: public subnets by default (internet-facing, as in the default VPC); `public: false` the private ones (internal)", async () => {
            const byDefault = await deployExpressEntry((e) => e);
            assert.deepEqual(byDefault.networkConfigurations[0].subnets, PUBLIC_SUBNETS);
            assert.equal(byDefault.networkConfigurations[0].securityGroups.length, 1);
            const internal = await deployExpressEntry((e) => ({ ...e, public: false, port: 3000 }));
            assert.deepEqual(internal.networkConfigurations[0].subnets, PRIVATE_SUBNETS);
            const group = await inputsOf(SECURITY_GROUP, "ecs-express-tasks-3000");
            assert.equal(group.vpcId, "vpc-stack");
            assert.deepEqual(group.ingress.map((r: { fromPort: number; toPort: number }) => [r.fromPort, r.toPort]), [[3000, 3000]]);
        });

        it("refuses a `public` that is not a boolean, and a component network of fewer than two subnets", async () => {
            assert.match(refusal(targetsWithExpress((e) => ({ ...e, public: "yes" }))), /polyarch:services\[2\]\.public/);
            await assertRefused(() => new EcsExpressService("solo", { image: externalImage("arm64"), network: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] } }),
                "network.subnetIds", /got 1 subnet\(s\); Express needs at least 2, in different Availability Zones/);
        });

        it("refuses a private service in a VPC with neither NAT nor VPC endpoints (its image could never be pulled)", () => {
            const onlyExpress = (entry: Record<string, unknown>) => {
                const config: Record<string, string> = { ...targetsConfig(), "polyarch:network": JSON.stringify({ natGateways: "None" }) };
                const services = JSON.parse(config["polyarch:services"]) as Record<string, unknown>[];
                config["polyarch:services"] = JSON.stringify(services.filter((e) => e.target === "ecs-express").map((e) => ({ ...e, ...entry })));
                return config;
            };
            assert.match(refusal(onlyExpress({ public: false })), /^polyarch:network\.natGateways: 'None' leaves ecs-express service '[a-z-]+' in private subnets with no route to ECR/);
            assert.equal(refusal(onlyExpress({ public: true })), "accepted");
        });

        it("guard: a network change is an in-place update the provider sends (network_configuration: no RequiresReplace, not ignored)", async () => {
            const before = await expressInputs({ network: { subnetIds: ["subnet-pub-a", "subnet-pub-b"], securityGroupIds: ["sg-1"] } });
            const after = await expressInputs({ network: { subnetIds: ["subnet-prv-a", "subnet-prv-b"], securityGroupIds: ["sg-1"] } });
            assert.ok(updateCallsAws(before, after));
            assert.equal(before.infrastructureRoleArn, after.infrastructureRoleArn, "the one RequiresReplace input stays");
        });
    });

    describe("5. Express's own sizes (EXPRESS_TASK_SIZES), not the whole Fargate table", () => {
        it("fix: the component refuses Fargate sizes Express lacks, naming the input and what is allowed", async () => {
            await assertRefused(() => new EcsExpressService("big", { image: externalImage("arm64"), cpu: 8192, memory: 16384 }),
                "cpu", /got 8192; ECS Express Mode allows 256, 512, 1024, 2048, 4096 CPU units/);
            await assertRefused(() => new EcsExpressService("wide", { image: externalImage("arm64"), cpu: 2048, memory: 16384 }),
                "memory", /got 16384; with cpu 2048 ECS Express Mode allows 4096 to 8192 in steps of 1024 MB/);
            await assertRefused(() => new EcsExpressService("four", { image: externalImage("arm64"), cpu: 4096, memory: 16384 }),
                "memory", /with cpu 4096 ECS Express Mode allows 8192 MB/);
            new EcsExpressService("max", { image: externalImage("arm64"), cpu: 4096, memory: 8192 });
            assert.deepEqual([(await inputsOf(EXPRESS, "max-service")).cpu, (await inputsOf(EXPRESS, "max-service")).memory], ["4096", "8192"]);
        });

        it("fix: config refuses them too (exit 2), naming the key", () => {
            assert.equal(refusal(targetsWithExpress((e) => ({ ...e, cpu: 8192, memory: 16384 }))),
                "polyarch:services[2].cpu: got 8192; ECS Express Mode allows 256, 512, 1024, 2048, 4096 CPU units");
            assert.equal(refusal(targetsWithExpress((e) => ({ ...e, cpu: 2048, memory: 10240 }))),
                "polyarch:services[2].memory: got 10240; with cpu 2048 ECS Express Mode allows 4096 to 8192 in steps of 1024 MB");
            assert.equal(refusal(targetsWithExpress((e) => ({ ...e, cpu: 4096 }))), "accepted", "cpu alone picks the smallest memory (8192)");
        });
    });

    describe("7. a scaling change reaches AWS", () => {
        it("fix: changing only the task range changes what the provider's Update compares, so it sends the new scaling_target", async () => {
            const before = await expressInputs({ scaling: { minTasks: 1, maxTasks: 4 } });
            const same = await expressInputs({ scaling: { minTasks: 1, maxTasks: 4 } });
            assert.ok(!updateCallsAws(before, same), "an unchanged service is not updated (no perpetual diff)");
            for (const scaling of [{ minTasks: 2, maxTasks: 4 }, { minTasks: 1, maxTasks: 8 }]) {
                const after = await expressInputs({ scaling });
                assert.ok(updateCallsAws(before, after), `scaling ${JSON.stringify(scaling)} alone must make the provider call AWS`);
                // The call sends the whole plan: the new range goes with it.
                assert.deepEqual(after.scalingTargets, [{ minTaskCount: scaling.minTasks, maxTaskCount: scaling.maxTasks, autoScalingMetric: "AVERAGE_CPU", autoScalingTargetValue: 60 }]);
            }
        });

        it("fix: the same through the stack config (scaling.min 1 -> 2 on the targets stack)", async () => {
            const before = structuredClone(one((await runInfra("targets")).registrations, EXPRESS, "storefront-express-service").inputs);
            const { registrations } = await runInfra("targets", { config: targetsWithExpress((e) => ({ ...e, scaling: { min: 2, max: 3 } })) });
            const after = one(registrations, EXPRESS, "storefront-express-service").inputs;
            assert.ok(updateCallsAws(before, after));
            const env = (inputs: Record<string, any>) => inputs.primaryContainer.environments.find((e: { name: string }) => e.name === EXPRESS_SCALING_ENVIRONMENT)?.value;
            assert.equal(env(after), "minTaskCount=2,maxTaskCount=3,autoScalingMetric=AVERAGE_CPU,autoScalingTargetValue=60");
        });

        it("guard: the service is updated in place, never replaced (a replacement is a new service with a new URL)", async () => {
            new EcsExpressService("kept", { image: externalImage("arm64") });
            const service = await registrationOf(EXPRESS, "kept-service");
            assert.equal(service.options.deleteBeforeReplace, undefined);
            assert.deepEqual(service.options.ignoreChanges, []);
            assert.equal(service.inputs.serviceName, undefined, "service_name is RequiresReplaceIfConfigured: left to the provider");
        });

        it("guard: the application's own environment cannot drop the scaling marker", async () => {
            const inputs = await expressInputs({ environment: { [EXPRESS_SCALING_ENVIRONMENT]: "mine" } });
            const marker = inputs.primaryContainer.environments.filter((e: { name: string }) => e.name === EXPRESS_SCALING_ENVIRONMENT);
            assert.deepEqual(marker.map((e: { value: string }) => e.value), ["minTaskCount=1,maxTaskCount=4,autoScalingMetric=AVERAGE_CPU,autoScalingTargetValue=60"]);
        });
    });
});
