import { strict as assert } from "assert";
import { inputsOf, reset } from "../../test/support/mock-runtime";
import { deployOrders } from "./program";

describe("examples/consumer (reuse of @polyarch/components from another stack)", () => {
    beforeEach(reset);

    it("deploys an arm64 Fargate task from an image built for linux/arm64", async () => {
        const result = deployOrders({ vpcId: "vpc-1", privateSubnetIds: ["subnet-a"], publicSubnetIds: ["subnet-p"] });
        assert.equal(result.architecture, "arm64");
        const image = await inputsOf("docker-build:index:Image", "orders-image");
        assert.deepEqual(image.platforms, ["linux/arm64"]);
        const task = await inputsOf("aws:ecs/taskDefinition:TaskDefinition", "orders-task");
        assert.equal(task.runtimePlatform.cpuArchitecture, "ARM64");
    });
});
