import { strict as assert } from "assert";
import { CHECKED_TYPES, CheckSite, CheckedResource, checkAgainstModels } from "../support/model-checks";
import { runInfra } from "../support/run-infra";
import { devConfigWith } from "../support/stack-config";

/**
 * A stack that uses every target with every architecture it supports (x86 EKS included), private
 * networking through VPC endpoints, and HTTPS, so every code path that registers an AWS value is
 * in one of the three graphs checked below.
 */
const EVERY_TARGET = devConfigWith({
    "polyarch:profile": "prod",
    "polyarch:network": { natGateways: "None", vpcEndpoints: true },
    "polyarch:eks": { os: "bottlerocket", accessEntries: [{ principalArn: "arn:aws:iam::111122223333:role/ops", policy: "view", namespaces: ["default"] }] },
    "polyarch:services": [
        { name: "fn-arm", target: "lambda", context: "services/thumbnails", architecture: "arm64" },
        { name: "fn-x86", target: "lambda", context: "services/thumbnails", architecture: "x86_64", tracing: false },
        { name: "api-arm", target: "eks", context: "services/catalog-api", architecture: "arm64" },
        { name: "api-x86", target: "eks", context: "services/catalog-api", architecture: "x86_64" },
        { name: "web-ar", target: "apprunner", context: "services/storefront", cpu: 256, memory: 512 },
        { name: "web-arm", target: "ecs", context: "services/storefront", architecture: "arm64", cpu: 8192, memory: 20480, public: true,
            certificateArn: "arn:aws:acm:us-west-2:111122223333:certificate/0f4e5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7" },
        { name: "web-x86", target: "ecs", context: "services/storefront", architecture: "x86_64", cpu: 512, memory: 3072 },
    ],
});

const STACKS: [label: string, run: () => ReturnType<typeof runInfra>][] = [
    ["dev", () => runInfra("dev")],
    ["prod", () => runInfra("prod")],
    ["every target x architecture", () => runInfra("everything", { config: EVERY_TARGET })],
    ["targets (image index, ECS Express Mode, Lambda Managed Instances)", () => runInfra("targets")],
];

function asChecked(registrations: Awaited<ReturnType<typeof runInfra>>["registrations"]): CheckedResource[] {
    return registrations.map((r) => ({ type: r.type, urn: r.urn, inputs: r.inputs }));
}

/** One realistic misspelling of the value at a site, applied to a copy of the resource. */
function mutate(resource: CheckedResource, site: CheckSite): CheckedResource {
    const inputs = structuredClone(resource.inputs);
    // Keys after "#" address the inside of a JSON-encoded input (ECS containerDefinitions).
    const hash = site.keys.indexOf("#");
    const outer = hash < 0 ? site.keys : site.keys.slice(0, hash);
    const inner = hash < 0 ? undefined : site.keys.slice(hash + 1);
    const edit = (transform: (parent: any, key: string | number) => void) => {
        const walk = (root: any, keys: (string | number)[], then: (parent: any, key: string | number) => void) => {
            const parent = keys.slice(0, -1).reduce((node, key) => node[key], root);
            then(parent, keys[keys.length - 1]);
        };
        if (inner === undefined) {
            walk(inputs, outer, transform);
        } else {
            walk(inputs, outer, (parent, key) => {
                const decoded = JSON.parse(String(parent[key]));
                walk(decoded, inner, transform);
                parent[key] = JSON.stringify(decoded);
            });
        }
    };
    if (site.path === "cpu+memory") {
        inputs.memory = String(Number(inputs.memory) + 256); // never on a Fargate step (all are multiples of 512)
    } else if (site.model === "kubelet runAsNonRoot verification") {
        // The defect this guards: runAsNonRoot with no numeric user on the pod or the container.
        const pod = outer.slice(0, -2).reduce((node: any, key) => node[key], inputs);
        delete pod.securityContext?.runAsUser;
        edit((parent, key) => delete parent[key].securityContext?.runAsUser);
    } else if (site.model === "kubernetes label key") {
        edit((parent, key) => {
            parent[`${String(key)}!`] = parent[key];
            delete parent[key];
        });
    } else {
        edit((parent, key) => {
            const value = parent[key];
            if (typeof value === "number") {
                parent[key] = value + 1;
                return;
            }
            const text = String(value);
            // AWS enums are case-sensitive: the upper/lower-case slip is the one the EKS AMI types had.
            const flipped = [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
            parent[key] = /[A-Za-z]/.test(text) && !site.model.startsWith("kubernetes") ? flipped : `${text}!`;
        });
    }
    return { ...resource, inputs };
}

describe("every registered AWS and Kubernetes value, checked against AWS's service models", function () {
    this.timeout(120_000);

    for (const [label, run] of STACKS) {
        describe(`${label} graph`, () => {
            let resources: CheckedResource[];
            before(async () => {
                resources = asChecked((await run()).registrations);
            });

            it("has no value the models refuse", () => {
                const { sites, findings } = checkAgainstModels(resources);
                assert.ok(sites.length > 20, `only ${sites.length} values were checked`);
                assert.deepEqual(findings.map((f) => `${f.urn} ${f.path}: ${f.problem}`), []);
            });

            it("fails when any single checked value is misspelled (a mutation per value)", () => {
                const { sites } = checkAgainstModels(resources);
                const missed: string[] = [];
                for (const site of sites) {
                    const resource = resources.find((r) => r.urn === site.urn) as CheckedResource;
                    const { findings } = checkAgainstModels([mutate(resource, site)]);
                    if (!findings.some((f) => f.model === site.model)) {
                        missed.push(`${site.urn} ${site.path} (${JSON.stringify(site.value)})`);
                    }
                }
                assert.deepEqual(missed, []);
            });
        });
    }

    it("covers every resource type of the every-target graph that carries an AWS enum or a pod spec", async () => {
        const types = new Set(asChecked((await runInfra("everything", { config: EVERY_TARGET })).registrations).map((r) => r.type));
        for (const expected of ["aws:eks/nodeGroup:NodeGroup", "aws:eks/cluster:Cluster", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
            "aws:lambda/function:Function", "aws:ecs/taskDefinition:TaskDefinition", "aws:apprunner/service:Service", "aws:lb/listener:Listener",
            "aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup", "kubernetes:apps/v1:Deployment"]) {
            assert.ok(types.has(expected), `the every-target graph has no ${expected}`);
            assert.ok(CHECKED_TYPES.has(expected), `${expected} is not checked`);
        }
    });

    it("covers the Express service and the Lambda capacity provider of the targets graph", async () => {
        const types = new Set((await runInfra("targets")).registrations.map((r) => r.type));
        for (const expected of ["aws:ecs/expressGatewayService:ExpressGatewayService", "aws:lambda/capacityProvider:CapacityProvider"]) {
            assert.ok(types.has(expected) && CHECKED_TYPES.has(expected), expected);
        }
    });

    it("sees the x86 EKS node group with the EKS API's spelling of its AMI type", async () => {
        const { registrations } = await runInfra("everything", { config: EVERY_TARGET });
        const amiTypes = registrations.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup").map((r) => r.inputs.amiType).sort();
        assert.deepEqual(amiTypes, ["BOTTLEROCKET_ARM_64", "BOTTLEROCKET_x86_64"]);
    });
});
