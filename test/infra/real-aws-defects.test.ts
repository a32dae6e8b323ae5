/**
 * One test (at least) per defect a real deploy would have hit; each fails with the defect back in.
 * Inputs are asserted as the provider receives them under the mocks.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { IAM_PROPAGATION_WAIT } from "../../components/apprunner";
import { parseStackConfig } from "../../infra/config";
import { deploymentNotices } from "../../infra/deployment-notices";
import { readStackFile } from "../../cli/src/stack-file";
import { Diagnostic } from "../../cli/src/policy-gate/analyzer-client";
import { GraphBuilder } from "../support/graph";
import { plan } from "../support/plan-cli";
import { configureFor, policyPack } from "../support/policy-pack";
import { PROJECT_ROOT, runInfra } from "../support/run-infra";
import { devConfigWith, devServices } from "../support/stack-config";

type Registrations = Awaited<ReturnType<typeof runInfra>>["registrations"];
const byType = (registrations: Registrations, type: string) => registrations.filter((r) => r.type === type);
const one = (registrations: Registrations, type: string, name: string) => {
    const found = registrations.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `one ${type} named ${name}`);
    return found[0];
};
const settingsOf = (config: Record<string, string>, stack = "dev") => parseStackConfig(config, { stack, projectRoot: PROJECT_ROOT });
const refusal = (config: Record<string, string>, stack = "dev"): string => {
    try {
        settingsOf(config, stack);
    } catch (error) {
        return (error as Error).message;
    }
    return "accepted";
};
const prodConfig = () => readStackFile(PROJECT_ROOT, "prod").config;

describe("defects a real `pulumi up` would hit (issue: correct on real AWS)", function () {
    this.timeout(120_000);
    let dev: Registrations;
    let prod: Registrations;
    before(async () => {
        dev = (await runInfra("dev")).registrations;
        prod = (await runInfra("prod")).registrations;
    });

    describe("1. EKS x86 AMI types", () => {
        it("gives an x86 node group the EKS API's spelling, AL2023_x86_64_STANDARD", async () => {
            const { registrations } = await runInfra("dev", {
                config: devConfigWith({ "polyarch:services": devServices((e) => (e.target === "eks" ? { ...e, architecture: "x86_64" } : e)) }),
            });
            const x86 = byType(registrations, "aws:eks/nodeGroup:NodeGroup").find((r) => r.name === "x86-nodes");
            assert.equal(x86?.inputs.amiType, "AL2023_x86_64_STANDARD");
        });

        it("reports, in the pack, a misspelled AMI type and a real x86 AMI type on Graviton instances", async () => {
            await configureFor("prod");
            const pack = await policyPack();
            const analyze = (amiType: string) => pack.analyze(new GraphBuilder().add("aws:eks/nodeGroup:NodeGroup", "ng", { amiType, instanceTypes: ["m7g.large"] }));
            const [typo] = await analyze("AL2023_X86_64_STANDARD");
            assert.equal(typo?.policy, "eks-nodegroup-architecture-consistent");
            assert.match(typo.message, /amiType 'AL2023_X86_64_STANDARD' is not an EKS AMI type/);
            const [mixed] = await analyze("AL2023_x86_64_STANDARD");
            assert.match(mixed?.message ?? "", /AMI type AL2023_x86_64_STANDARD boots x86_64 but m7g.large \(arm64\) is not/);
            assert.deepEqual(await analyze("AL2023_ARM_64_STANDARD"), []);
        });
    });

    describe("2. runAsNonRoot with a named USER", () => {
        it("runs every Deployment's pods as a numeric non-root uid and gid", () => {
            for (const deployment of [...byType(dev, "kubernetes:apps/v1:Deployment"), ...byType(prod, "kubernetes:apps/v1:Deployment")]) {
                const security = (deployment.inputs as any).spec.template.spec.securityContext;
                assert.deepEqual([security.runAsNonRoot, security.runAsUser, security.runAsGroup], [true, 1000, 1000], deployment.urn);
            }
        });

        it("sets a numeric USER in every Dockerfile whose image does not run on Lambda", () => {
            for (const service of ["catalog-api", "storefront"]) {
                const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, "services", service, "Dockerfile"), "utf8");
                const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
                assert.deepEqual(users, ["1000:1000"], service);
            }
        });

        describe("kubernetes-run-as-numeric-user, over the analyzer protocol", () => {
            const analyzeDeployment = async (pod: Record<string, unknown>, container: Record<string, unknown> = {}): Promise<Diagnostic[]> => {
                await configureFor("prod");
                const spec = { template: { spec: { ...pod, containers: [{ name: "app", image: "r@sha256:x", ...container }] } } };
                const found = await (await policyPack()).analyze(new GraphBuilder().add("kubernetes:apps/v1:Deployment", "web", { spec }));
                return found.filter((d) => d.policy === "kubernetes-run-as-numeric-user");
            };

            it("fails runAsNonRoot without runAsUser, and with runAsUser 0", async () => {
                const [missing] = await analyzeDeployment({ securityContext: { runAsNonRoot: true } });
                assert.equal(missing?.level, "mandatory");
                assert.match(missing.message, /Deployment 'web', container 'app': runAsNonRoot is true but no runAsUser is set/);
                const [root] = await analyzeDeployment({ securityContext: { runAsNonRoot: true } }, { securityContext: { runAsUser: 0 } });
                assert.match(root?.message ?? "", /runAsUser is 0/);
            });

            it("passes a numeric user on the pod or the container, and pods that do not ask for non-root", async () => {
                assert.deepEqual(await analyzeDeployment({ securityContext: { runAsNonRoot: true, runAsUser: 1000 } }), []);
                assert.deepEqual(await analyzeDeployment({}, { securityContext: { runAsNonRoot: true, runAsUser: 1000 } }), []);
                assert.deepEqual(await analyzeDeployment({}), []);
            });
        });
    });

    describe("3. CPU/memory pairs", () => {
        it("refuses Fargate 256/1536 and App Runner 0.25 vCPU/2 GB in config, naming the key and what is allowed", () => {
            assert.equal(refusal(devConfigWith({ "polyarch:services": devServices((e) => (e.target === "ecs" ? { ...e, cpu: 256, memory: 1536 } : e)) })),
                "polyarch:services[2].memory: got 1536; with cpu 256 Fargate allows 512, 1024 or 2048 MB");
            assert.equal(refusal(devConfigWith({ "polyarch:services": devServices((e) => (e.target === "apprunner" ? { ...e, cpu: 256, memory: 2048 } : e)) })),
                "polyarch:services[3].memory: got 2048; with cpu 256 App Runner allows 512 or 1024 MB");
            assert.equal(refusal(devConfigWith({ "polyarch:services": devServices(({ memory: _memory, ...e }) => (e.target === "apprunner" ? { ...e, cpu: 256 } : { ...e, memory: _memory })) })), "accepted",
                "choosing only cpu picks the smallest memory it allows");
        });
    });

    describe("4. a private EKS endpoint needs a deploy path inside the VPC", () => {
        it("says so for prod (private endpoint, Kubernetes workloads), not for dev", () => {
            assert.match(deploymentNotices(settingsOf(prodConfig(), "prod")).join("\n"), /EKS API endpoint is private .*\(catalog-api\) .* inside its VPC/);
            assert.ok(!deploymentNotices(settingsOf(readStackFile(PROJECT_ROOT, "dev").config)).some((n) => n.includes("endpoint is private")));
        });

        it("prints it in `npm run plan` (table view) and on stderr beside --json", () => {
            const human = plan("--stack", "prod");
            assert.equal(human.status, 0, human.stderr);
            assert.match(human.stdout, /notice: the EKS API endpoint is private/);
            const json = plan("--stack", "prod", "--json");
            assert.equal(json.status, 0, json.stderr);
            assert.doesNotThrow(() => JSON.parse(json.stdout));
            assert.match(json.stderr, /notice: the EKS API endpoint is private/);
        });
    });

    describe("5. EKS access entries", () => {
        it("grants each configured principal its access policy, cluster-wide or per namespace", async () => {
            const entries = byType(prod, "aws:eks/accessEntry:AccessEntry").map((r) => [r.inputs.principalArn, r.inputs.type]);
            assert.deepEqual(entries, [
                ["arn:aws:iam::111122223333:role/polyarch-preview", "STANDARD"],
                ["arn:aws:iam::111122223333:role/platform-operators", "STANDARD"],
            ]);
            const associations = byType(prod, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
            assert.deepEqual(associations.map((r) => [r.inputs.policyArn, r.inputs.accessScope]), [
                ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", { type: "cluster" }],
                ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
            ]);
            const scoped = await runInfra("dev", { config: devConfigWith({ "polyarch:eks": { accessEntries: [
                { principalArn: "arn:aws:iam::111122223333:role/team-a", policy: "edit", namespaces: ["team-a"] }] } }) });
            assert.deepEqual(byType(scoped.registrations, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")[0].inputs.accessScope,
                { type: "namespace", namespaces: ["team-a"] });
        });

        it("refuses a principal that is not an IAM role or user ARN", () => {
            assert.match(refusal(devConfigWith({ "polyarch:eks": { accessEntries: [{ principalArn: "ops-team", policy: "view" }] } })),
                /^polyarch:eks\.accessEntries\[0\]\.principalArn: .*must be an IAM role or user ARN/);
        });
    });

    describe("6. App Runner", () => {
        it("names the service per stack, so dev and prod never collide in one account", () => {
            const name = (registrations: Registrations) => one(registrations, "aws:apprunner/service:Service", "storefront-legacy-service").inputs.serviceName;
            assert.equal(name(dev), "polyarch-dev-storefront-legacy");
            assert.equal(name(prod), "polyarch-prod-storefront-legacy");
        });

        it("creates the service only after the access role's policy has had time to propagate", () => {
            const sleep = one(dev, "time:index/sleep:Sleep", "storefront-legacy-access-role-propagation");
            assert.equal(sleep.inputs.createDuration, IAM_PROPAGATION_WAIT);
            const policy = one(dev, "aws:iam/rolePolicy:RolePolicy", "storefront-legacy-ecr-pull");
            assert.ok(sleep.dependencies.includes(policy.urn), "the wait starts after the role policy exists");
            const service = one(dev, "aws:apprunner/service:Service", "storefront-legacy-service");
            assert.ok(service.dependencies.includes(sleep.urn), "the service waits for it");
        });

        it("prints a notice for every App Runner service in the plan", () => {
            const notices = deploymentNotices(settingsOf(readStackFile(PROJECT_ROOT, "dev").config));
            assert.deepEqual(notices.filter((n) => n.includes("App Runner")).length, 1);
            assert.match(notices.join("\n"), /'storefront-legacy' targets App Runner, which has been closed to new customers since 2026-04-30/);
        });
    });

    describe("7. image identity", () => {
        it("gives the same tag to the same build wherever the repository is checked out", async () => {
            const copies = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-checkout-")));
            const tags: unknown[] = [];
            const cwd = process.cwd();
            try {
                for (const copy of copies) {
                    fs.cpSync(path.join(PROJECT_ROOT, "services", "storefront"), path.join(copy, "services", "storefront"), { recursive: true });
                    process.chdir(copy);
                    const { ServiceImage } = await import("../../components/image");
                    const image = new ServiceImage(`moved-${tags.length}`, {
                        repository: { repositoryUrl: "r", repositoryArn: "a", registryId: "1" },
                        context: path.join(copy, "services", "storefront"),
                        architecture: "arm64",
                    });
                    tags.push(await new Promise((done) => image.tag.apply(done)));
                }
            } finally {
                process.chdir(cwd);
                copies.forEach((c) => fs.rmSync(c, { recursive: true, force: true }));
            }
            assert.equal(tags[0], tags[1]);
        });

        it("changes the tag when the builder, target or a build arg changes (each would re-push under the old tag)", async () => {
            const { ServiceImage } = await import("../../components/image");
            const tagOf = (name: string, extra: Record<string, unknown>) => new Promise((done) => new ServiceImage(name, {
                repository: { repositoryUrl: "r", repositoryArn: "a", registryId: "1" },
                context: path.join(PROJECT_ROOT, "services", "storefront"),
                architecture: "arm64",
                ...extra,
            }).tag.apply(done));
            const base = await tagOf("id-base", {});
            const variants = await Promise.all([
                tagOf("id-builder", { builder: "remote-arm" }),
                tagOf("id-target", { target: "deps" }),
                tagOf("id-arg", { buildArgs: { NODE_ENV: "staging" } }),
            ]);
            variants.forEach((tag) => assert.notEqual(tag, base));
            assert.equal(new Set(variants).size, 3);
        });

        it("keeps prod's pushed images when they leave the program (retainOnDelete), not dev's", () => {
            const retained = (registrations: Registrations) => byType(registrations, "docker-build:index:Image").map((r) => r.retainOnDelete);
            assert.ok(retained(prod).length > 0 && retained(prod).every((v) => v === true));
            assert.ok(retained(dev).every((v) => !v));
        });
    });

    describe("8. no NAT gateway for private workloads", () => {
        it("refuses natGateways None with ECS or EKS services unless VPC endpoints are made", () => {
            assert.equal(refusal(devConfigWith({ "polyarch:network": { natGateways: "None" } })),
                "polyarch:network.natGateways: 'None' leaves eks service 'catalog-api' in private subnets with no route to ECR, so its image " +
                "never pulls; use 'Single' or 'OnePerAz', or set polyarch:network.vpcEndpoints: true to reach ECR, S3, logs and STS through VPC endpoints");
            const lambdaOnly = devConfigWith({ "polyarch:network": { natGateways: "None" }, "polyarch:services": devServices((e) => (e.target === "lambda" ? e : undefined)) });
            assert.equal(refusal(lambdaOnly), "accepted", "Lambda and App Runner need no VPC");
        });

        it("creates the ECR, S3, logs, STS (and EKS node) endpoints when asked", async () => {
            const { registrations } = await runInfra("dev", { config: devConfigWith({ "polyarch:network": { natGateways: "None", vpcEndpoints: true } }) });
            const endpoints = byType(registrations, "aws:ec2/vpcEndpoint:VpcEndpoint")
                .map((r) => [String(r.inputs.serviceName).replace("com.amazonaws.us-west-2.", ""), r.inputs.vpcEndpointType]);
            assert.deepEqual(endpoints.sort(), [["ec2", "Interface"], ["ecr.api", "Interface"], ["ecr.dkr", "Interface"], ["eks", "Interface"],
                ["eks-auth", "Interface"], ["logs", "Interface"], ["s3", "Gateway"], ["sts", "Interface"]]);
        });
    });

    describe("9. a supported Node.js LTS", () => {
        it("builds every image from Node 24 bases and declares engines >= 22", () => {
            for (const service of ["catalog-api", "storefront", "thumbnails"]) {
                const froms = [...fs.readFileSync(path.join(PROJECT_ROOT, "services", service, "Dockerfile"), "utf8").matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gm)].map((m) => m[1]);
                assert.ok(froms.every((image) => /^node:24-|^public\.ecr\.aws\/lambda\/nodejs:24$/.test(image)), `${service}: ${froms.join(", ")}`);
            }
            for (const manifest of ["components/package.json", "policies/package.json"]) {
                assert.equal(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, manifest), "utf8")).engines.node, ">=22", manifest);
            }
            // The tools require() ES modules (--markdown, the plan comment): Node 22.12 made that work without a flag.
            assert.equal(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).engines.node, ">=22.12");
        });
    });

    describe("10. hygiene", () => {
        it("creates the EKS control-plane log group, with a retention, before the cluster and under the name EKS writes to", () => {
            const cluster = one(prod, "aws:eks/cluster:Cluster", "eks-cluster");
            const logs = one(prod, "aws:cloudwatch/logGroup:LogGroup", "eks-control-plane-logs");
            assert.equal(logs.inputs.name, `/aws/eks/${String(cluster.inputs.name)}/cluster`);
            assert.equal(logs.inputs.retentionInDays, 90);
            assert.ok(cluster.dependencies.includes(logs.urn));
        });

        it("serves the public prod load balancer over HTTPS with the configured certificate, and redirects HTTP", () => {
            const listeners = byType(prod, "aws:lb/listener:Listener").map((r) => [r.inputs.port, r.inputs.protocol, r.inputs.certificateArn ?? null,
                (r.inputs.defaultActions as any[])[0].type]).sort((a, b) => Number(b[0]) - Number(a[0]));
            assert.deepEqual(listeners, [
                [443, "HTTPS", "arn:aws:acm:us-west-2:111122223333:certificate/0f4e5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7", "forward"],
                [80, "HTTP", null, "redirect"],
            ]);
        });

        it("refuses a public prod service without a certificate", () => {
            const config = { ...prodConfig() };
            const services = JSON.parse(config["polyarch:services"]) as Record<string, unknown>[];
            config["polyarch:services"] = JSON.stringify(services.map(({ certificateArn: _drop, ...rest }) => rest));
            assert.equal(refusal(config, "prod"), "polyarch:services[2].certificateArn: is required for a public service in a prod stack: " +
                "its load balancer serves HTTPS only; set an ACM certificate ARN for the service's domain, or set public: false");
        });

        it("creates a Lambda function only after its repository's pull policy", () => {
            const policy = one(dev, "aws:ecr/repositoryPolicy:RepositoryPolicy", "thumbnails-lambda-pull");
            const fn = one(dev, "aws:lambda/function:Function", "thumbnails-fn");
            assert.ok(fn.dependencies.includes(policy.urn));
        });
    });
});
