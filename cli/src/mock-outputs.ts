import * as crypto from "crypto";
import { LAMBDA_DEFAULT_ARCHITECTURE, lambdaArchitecture } from "@polyarch/platform";

/**
 * Realistic provider outputs for Pulumi's runtime mocks: what AWS, docker-build and Kubernetes
 * would return, so components and policies see ECR URLs, sha256 digests and ARNs, not blanks.
 * Deterministic: the same resource name always gets the same id, digest and ARN.
 */
export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "us-west-2";
/** When the mocks say a `time.Static` (a release's first deploy) was created. */
export const MOCK_RELEASE_TIME = new Date("2026-11-23T12:00:00Z");

function sha256(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex");
}

function arn(service: string, resource: string, region = MOCK_REGION): string {
    return `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${resource}`;
}

/** A physical name like Pulumi's auto-naming: the logical name and a short suffix. */
function physicalName(name: string): string {
    return `${name}-${sha256(name).slice(0, 7)}`;
}

export interface MockResult {
    id: string;
    state: Record<string, unknown>;
}

/** Outputs for one registration: its inputs plus what the provider computes. */
export function mockResourceOutputs(type: string, name: string, inputs: Record<string, unknown>): MockResult {
    const physical = typeof inputs.name === "string" ? inputs.name : physicalName(name);
    const id = `${physical}`;
    switch (type) {
        case "aws:ecr/repository:Repository":
            return {
                id: physical,
                state: {
                    ...inputs,
                    name: physical,
                    arn: arn("ecr", `repository/${physical}`),
                    registryId: MOCK_ACCOUNT,
                    repositoryUrl: `${MOCK_ACCOUNT}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${physical}`,
                },
            };
        case "docker-build:index:Image":
        case "docker-build:index:Index": {
            const digest = `sha256:${sha256(`${name}:${JSON.stringify(inputs.platforms ?? inputs.sources ?? [])}`)}`;
            const tags = Array.isArray(inputs.tags) ? inputs.tags.map(String) : [];
            const tag = typeof inputs.tag === "string" ? inputs.tag : tags[0];
            return { id: `${name}-${digest.slice(7, 19)}`, state: { ...inputs, digest, ref: tag ? `${tag}@${digest}` : digest, contextHash: sha256(name) } };
        }
        case "time:index/static:Static":
            // The time a release was first deployed: fixed, so the plan is the same run to run.
            return { id: MOCK_RELEASE_TIME.toISOString(), state: { ...inputs, rfc3339: MOCK_RELEASE_TIME.toISOString().replace(/\.\d+Z$/, "Z"), unix: MOCK_RELEASE_TIME.getTime() / 1000 } };
        case "aws:iam/role:Role":
            return { id: physical, state: { ...inputs, name: physical, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${physical}` } };
        case "aws:iam/policy:Policy":
            return { id: arn("iam", `policy/${physical}`, ""), state: { ...inputs, arn: `arn:aws:iam::${MOCK_ACCOUNT}:policy/${physical}` } };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { id: physical, state: { ...inputs, name: physical, arn: arn("logs", `log-group:${physical}`) } };
        case "aws:lambda/function:Function":
            return {
                id: physical,
                state: {
                    // Optional and computed (cli/src/engine/aws-provider-schema.json): AWS runs x86_64
                    // when unset, and a preview shows it unknown. (packageType is a default the
                    // provider's Check fills in, so it arrives as an input.)
                    ...inputs,
                    architectures: inputs.architectures ?? [lambdaArchitecture(LAMBDA_DEFAULT_ARCHITECTURE)],
                    name: physical,
                    arn: arn("lambda", `function:${physical}`),
                    // The newest entry of ListVersionsByFunction (terraform-provider-aws lambda/function.go
                    // resourceFunctionRead, findLatestFunctionVersionByName): `:1` once `publish` made one.
                    qualifiedArn: `${arn("lambda", `function:${physical}`)}:${inputs.publish === true ? "1" : "$LATEST"}`,
                    invokeArn: `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${arn("lambda", `function:${physical}`)}/invocations`,
                },
            };
        case "aws:apprunner/service:Service":
            return {
                id: arn("apprunner", `service/${physical}/${sha256(name).slice(0, 32)}`),
                state: {
                    ...inputs,
                    arn: arn("apprunner", `service/${physical}/${sha256(name).slice(0, 32)}`),
                    serviceUrl: `${sha256(name).slice(0, 10)}.${MOCK_REGION}.awsapprunner.com`,
                    serviceId: sha256(name).slice(0, 32),
                },
            };
        case "aws:ecs/cluster:Cluster":
            return { id: arn("ecs", `cluster/${physical}`), state: { ...inputs, name: physical, arn: arn("ecs", `cluster/${physical}`) } };
        case "aws:ecs/taskDefinition:TaskDefinition":
            return {
                id: String(inputs.family ?? physical),
                state: { ...inputs, arn: arn("ecs", `task-definition/${String(inputs.family ?? physical)}:1`), revision: 1 },
            };
        case "aws:ecs/expressGatewayService:ExpressGatewayService":
            // Express assigns the service an HTTPS endpoint on an AWS-provided domain.
            return {
                id: arn("ecs", `service/default/${physical}`),
                state: {
                    ...inputs,
                    serviceName: physical,
                    serviceArn: arn("ecs", `service/default/${physical}`),
                    cluster: inputs.cluster ?? "default",
                    ingressPaths: [{ accessType: "PUBLIC", endpoint: `${physical}.ecs.${MOCK_REGION}.on.aws` }],
                },
            };
        case "aws:lambda/capacityProvider:CapacityProvider":
            return { id: physical, state: { ...inputs, name: physical, arn: arn("lambda", `capacity-provider:${physical}`) } };
        case "aws:ecs/service:Service":
            return { id: arn("ecs", `service/${physical}`), state: { ...inputs, name: physical } };
        case "aws:lb/loadBalancer:LoadBalancer":
            return {
                id: arn("elasticloadbalancing", `loadbalancer/app/${physical}/${sha256(name).slice(0, 16)}`),
                state: {
                    ...inputs,
                    arn: arn("elasticloadbalancing", `loadbalancer/app/${physical}/${sha256(name).slice(0, 16)}`),
                    dnsName: `${physical}-${sha256(name).slice(0, 9)}.${MOCK_REGION}.elb.amazonaws.com`,
                },
            };
        case "aws:lb/targetGroup:TargetGroup":
            return { id: arn("elasticloadbalancing", `targetgroup/${physical}/${sha256(name).slice(0, 16)}`), state: { ...inputs, arn: arn("elasticloadbalancing", `targetgroup/${physical}/${sha256(name).slice(0, 16)}`) } };
        case "aws:eks/cluster:Cluster":
            return {
                id: physical,
                state: {
                    ...inputs,
                    name: physical,
                    arn: arn("eks", `cluster/${physical}`),
                    endpoint: `https://${sha256(name).slice(0, 32).toUpperCase()}.gr7.${MOCK_REGION}.eks.amazonaws.com`,
                    certificateAuthority: { data: Buffer.from(`mock-ca-${name}`).toString("base64") },
                    vpcConfig: { ...(inputs.vpcConfig as object | undefined), clusterSecurityGroupId: `sg-${sha256(name).slice(0, 17)}` },
                },
            };
        case "aws:eks/nodeGroup:NodeGroup":
            return { id: `${String(inputs.clusterName)}:${physical}`, state: { ...inputs, nodeGroupName: physical, arn: arn("eks", `nodegroup/${physical}`) } };
        case "aws:kms/key:Key":
            return { id: sha256(name).slice(0, 32), state: { ...inputs, arn: arn("kms", `key/${sha256(name).slice(0, 32)}`), keyId: sha256(name).slice(0, 32) } };
        case "aws:ec2/securityGroup:SecurityGroup":
            return { id: `sg-${sha256(name).slice(0, 17)}`, state: { ...inputs, arn: arn("ec2", `security-group/sg-${sha256(name).slice(0, 17)}`) } };
        case "aws:ec2/vpc:Vpc":
            return { id: `vpc-${sha256(name).slice(0, 17)}`, state: { ...inputs } };
        case "aws:ec2/subnet:Subnet":
            return { id: `subnet-${sha256(name).slice(0, 17)}`, state: { ...inputs } };
        case "awsx:ec2:Vpc": {
            const zones = typeof inputs.numberOfAvailabilityZones === "number" ? inputs.numberOfAvailabilityZones : 3;
            const subnets = (tier: string) => Array.from({ length: zones }, (_, i) => `subnet-${sha256(`${name}-${tier}-${i}`).slice(0, 17)}`);
            return {
                id: `${name}`,
                state: {
                    ...inputs,
                    vpcId: `vpc-${sha256(name).slice(0, 17)}`,
                    privateSubnetIds: subnets("private"),
                    publicSubnetIds: subnets("public"),
                    isolatedSubnetIds: [],
                },
            };
        }
        case "pulumi:providers:kubernetes":
            return { id: `${name}-provider`, state: { ...inputs } };
        case "kubernetes:apps/v1:Deployment":
        case "kubernetes:core/v1:Service": {
            const metadata = (inputs.metadata ?? {}) as Record<string, unknown>;
            const k8sName = typeof metadata.name === "string" ? metadata.name : physicalName(name);
            const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "default";
            return { id: `${namespace}/${k8sName}`, state: { ...inputs, metadata: { ...metadata, name: k8sName, namespace } } };
        }
        default:
            return { id, state: { ...inputs, arn: typeof inputs.arn === "string" ? inputs.arn : undefined } };
    }
}

/** Results of data-source calls (invokes) the components make. */
export function mockCallResult(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (token) {
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
                id: MOCK_REGION,
                authorizationToken: Buffer.from("AWS:mock-password").toString("base64"),
                proxyEndpoint: `https://${String(inputs.registryId ?? MOCK_ACCOUNT)}.dkr.ecr.${MOCK_REGION}.amazonaws.com`,
                userName: "AWS",
                password: "mock-password",
                expiresAt: "2026-11-23T12:00:00Z",
            };
        case "aws:index/getPartition:getPartition":
            return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        case "aws:index/getRegion:getRegion":
            return { id: MOCK_REGION, name: MOCK_REGION, region: MOCK_REGION, endpoint: `ec2.${MOCK_REGION}.amazonaws.com`, description: "US West (Oregon)" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: MOCK_ACCOUNT, accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`, userId: "AIDAMOCK" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {
                id: MOCK_REGION,
                names: [`${MOCK_REGION}a`, `${MOCK_REGION}b`, `${MOCK_REGION}c`, `${MOCK_REGION}d`],
                zoneIds: ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"],
            };
        // The default VPC and its subnets, which programs (awsx.classic, awsx 3's defaults) look up.
        case "aws:ec2/getVpc:getVpc": {
            const vpcId = typeof inputs.id === "string" ? inputs.id : DEFAULT_VPC_ID;
            return { cidrBlock: "172.31.0.0/16", ...inputs, id: vpcId, arn: arn("ec2", `vpc/${vpcId}`), default: inputs.default ?? true,
                ownerId: MOCK_ACCOUNT, mainRouteTableId: `rtb-${sha256(vpcId).slice(0, 17)}` };
        }
        case "aws:ec2/getSubnets:getSubnets":
        case "aws:ec2/getSubnetIds:getSubnetIds":
            return { ...inputs, id: MOCK_REGION, ids: DEFAULT_SUBNET_IDS };
        case "aws:ec2/getSubnet:getSubnet": {
            const subnetId = typeof inputs.id === "string" ? inputs.id : DEFAULT_SUBNET_IDS[0];
            const zone = DEFAULT_SUBNET_IDS.indexOf(subnetId);
            return { ...inputs, id: subnetId, arn: arn("ec2", `subnet/${subnetId}`), vpcId: DEFAULT_VPC_ID, availabilityZone: `${MOCK_REGION}${"abcd"[Math.max(zone, 0)]}`,
                cidrBlock: `172.31.${Math.max(zone, 0) * 16}.0/20`, mapPublicIpOnLaunch: true };
        }
        case "awsx:ec2:getDefaultVpc":
            return { vpcId: DEFAULT_VPC_ID, publicSubnetIds: DEFAULT_SUBNET_IDS, privateSubnetIds: [] };
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { ...inputs, id: "policy", json: policyDocumentJson(inputs) };
        default:
            return inputs;
    }
}

const DEFAULT_VPC_ID = `vpc-${sha256("default-vpc").slice(0, 17)}`;
const DEFAULT_SUBNET_IDS = ["a", "b", "c"].map((zone) => `subnet-${sha256(`default-subnet-${zone}`).slice(0, 17)}`);

/** aws.iam.getPolicyDocument's `json`: its statements in IAM's own spelling. */
function policyDocumentJson(inputs: Record<string, unknown>): string {
    const statements = Array.isArray(inputs.statements) ? inputs.statements as Record<string, unknown>[] : [];
    const principals = (list: unknown) => Array.isArray(list) && list.length > 0
        ? Object.fromEntries((list as { type: string; identifiers: string[] }[]).map((p) => [p.type, p.identifiers])) : undefined;
    return JSON.stringify({
        Version: inputs.version ?? "2012-10-17",
        Statement: statements.map((st) => Object.fromEntries(Object.entries({
            Sid: st.sid, Effect: st.effect ?? "Allow", Action: st.actions, NotAction: st.notActions, Resource: st.resources,
            NotResource: st.notResources, Principal: principals(st.principals), NotPrincipal: principals(st.notPrincipals),
        }).filter(([, value]) => value !== undefined))),
    });
}
