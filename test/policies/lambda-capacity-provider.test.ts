import { strict as assert } from "assert";
import { Diagnostic } from "../../cli/src/policy-gate/analyzer-client";
import { GraphBuilder } from "../support/graph";
import { configureFor, policyPack } from "../support/policy-pack";

const RULE = "lambda-capacity-provider-architecture";

async function findings(g: GraphBuilder): Promise<Diagnostic[]> {
    return (await (await policyPack()).analyzeStack(g.resources)).filter((d) => d.policy === RULE);
}

function capacityProvider(g: GraphBuilder, architectures: string[], allowedInstanceTypes: string[]) {
    return g.add("aws:lambda/capacityProvider:CapacityProvider", "managed", {
        instanceRequirements: [{ architectures, allowedInstanceTypes }],
        permissionsConfig: { capacityProviderOperatorRoleArn: "arn:aws:iam::123456789012:role/operator" },
        vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
    });
}

function attached(g: GraphBuilder, provider: ReturnType<GraphBuilder["add"]>, architectures?: string[]) {
    const image = g.image("fn-image", ["linux/arm64"]);
    return g.add("aws:lambda/function:Function", "fn", {
        packageType: "Image", imageUri: "123456789012.dkr.ecr.us-west-2.amazonaws.com/fn@sha256:" + "c".repeat(64), tracingConfig: { mode: "Active" },
        ...(architectures ? { architectures } : {}),
        capacityProviderConfig: { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: "arn:aws:lambda:us-west-2:123456789012:capacity-provider:managed" } },
    }, { deps: { imageUri: [image], capacityProviderConfig: [provider] } });
}

describe("policy pack over the analyzer protocol: lambda-capacity-provider-architecture (Lambda Managed Instances)", function () {
    this.timeout(120_000);
    before(() => configureFor("prod"));

    it("passes an arm64 function on an arm64 provider of Graviton instance types", async () => {
        const g = new GraphBuilder();
        attached(g, capacityProvider(g, ["arm64"], ["m7g.large", "c7g.xlarge"]), ["arm64"]);
        assert.deepEqual(await findings(g), []);
    });

    it("fails a provider allowing instance types of the other architecture", async () => {
        const g = new GraphBuilder();
        capacityProvider(g, ["arm64"], ["m7g.large", "m7i.large"]);
        const [d, ...rest] = await findings(g);
        assert.deepEqual(rest, []);
        assert.match(d.message, /^Lambda capacity provider 'managed' allows m7i.large \(x86_64\) but its instanceRequirements.architectures is \["arm64"\]/);
    });

    it("fails a function whose architectures (or Lambda's x86_64 default) the provider's instances do not run", async () => {
        for (const architectures of [["x86_64"], undefined]) {
            const g = new GraphBuilder();
            attached(g, capacityProvider(g, ["arm64"], ["m7g.large"]), architectures);
            const [d] = await findings(g);
            assert.match(d.message, /^Lambda function 'fn' runs x86_64.* on capacity provider 'managed', whose instances are arm64\. Fix: set the function's architectures to \["arm64"\]/, String(architectures));
        }
    });
});
