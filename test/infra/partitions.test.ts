/**
 * Day two, defect 8: VPC endpoint service names are `com.amazonaws.<region>.<service>` only in the
 * aws and aws-us-gov partitions. The stack config accepts China's regions, where the names differ
 * per service, so VPC endpoints there are refused in config rather than created with wrong names.
 */
import { strict as assert } from "assert";
import { ConfigError, parseStackConfig } from "../../infra/config";
import { partitionOf, vpcEndpointServiceName } from "../../components/partitions";
import { PrivateEndpoints } from "../../components/vpc-endpoints";
import { ofType, reset } from "../support/mock-runtime";
import { PROJECT_ROOT } from "../support/run-infra";
import { devConfigWith } from "../support/stack-config";

const withNetwork = (region: string, network: Record<string, unknown>) =>
    devConfigWith({ "aws:region": region, "polyarch:network": network });
const parse = (config: Record<string, string>) => parseStackConfig(config, { stack: "dev", projectRoot: PROJECT_ROOT });

describe("partitions (VPC endpoint service names)", () => {
    it("refuses VPC endpoints in an aws-cn region, naming the key and the way out", () => {
        assert.throws(() => parse(withNetwork("cn-north-1", { vpcEndpoints: true })), (err: unknown) => {
            assert.ok(err instanceof ConfigError, String(err));
            assert.match(err.message, /^polyarch:network\.vpcEndpoints: is not supported in cn-north-1 \(partition aws-cn\): .*set it to false and use NAT gateways/);
            return true;
        });
    });

    it("accepts an aws-cn region without VPC endpoints, and VPC endpoints in GovCloud", () => {
        assert.equal(parse(withNetwork("cn-northwest-1", { vpcEndpoints: false })).region, "cn-northwest-1");
        assert.equal(parse(withNetwork("us-gov-west-1", { vpcEndpoints: true })).network.vpcEndpoints, true);
    });

    it("names endpoint services com.amazonaws.<region>.<service> in aws and aws-us-gov, and nothing in aws-cn", () => {
        assert.deepEqual(["us-west-2", "us-gov-east-1", "cn-north-1"].map(partitionOf), ["aws", "aws-us-gov", "aws-cn"]);
        assert.equal(vpcEndpointServiceName("us-gov-east-1", "ecr.dkr"), "com.amazonaws.us-gov-east-1.ecr.dkr");
        assert.equal(vpcEndpointServiceName("cn-north-1", "ecr.dkr"), undefined);
    });

    it("gives each endpoint of PrivateEndpoints the region's service name", async () => {
        await reset();
        new PrivateEndpoints("net", { vpcId: "vpc-1", vpcCidrBlock: "10.0.0.0/16", subnetIds: ["subnet-1"], routeTableIds: ["rtb-1"] });
        const names = (await ofType("aws:ec2/vpcEndpoint:VpcEndpoint")).map((endpoint) => endpoint.inputs.serviceName);
        assert.deepEqual(names.sort(), ["ecr.api", "ecr.dkr", "logs", "s3", "sts"].map((service) => `com.amazonaws.us-west-2.${service}`));
    });
});
