/**
 * The gate against the Pulumi engine, behaviour by behaviour. Each test records what the gate
 * sends the policy pack (every gRPC request, read back from the message) and checks it against
 * what the engine sends, citing the pulumi/pulumi source it mirrors (read at commit 1b5949891b3c,
 * 2026-08-21). Fixtures: test/fixtures/engine-project (a program exercising each behaviour) and
 * test/fixtures/remediating-pack (a remediation, an initialConfig, a required setting).
 */
import * as assert from "assert";
import * as path from "path";
import { EngineError } from "../../cli/src/engine/urn";
import { GateReport, GateView, runGate } from "../../cli/src/policy-gate/gate";
const REPO_ROOT = path.resolve(__dirname, "..", "..");
import { defaultPackConfig, resolvePackConfig } from "../../cli/src/policy-gate/pack-config";
import { UNKNOWN_SENTINEL } from "../../cli/src/recording-monitor";
import { useStack } from "../support/mock-runtime";
import { policyPack } from "../support/policy-pack";

const PROJECT = path.join(REPO_ROOT, "test", "fixtures", "engine-project");
const REMEDIATING_PACK = path.join(REPO_ROOT, "test", "fixtures", "remediating-pack");
const STACK = "conformance";
const urn = (qualifiedType: string, name: string) => `urn:pulumi:${STACK}::conformance::${qualifiedType}::${name}`;

interface Request { method: string; body: Record<string, any> }

interface Recorded { report: GateReport; traffic: Request[] }

async function record(view: GateView, packDir?: string, policyPackConfig?: string): Promise<Recorded> {
    const traffic: Request[] = [];
    const report = await runGate({ projectDir: PROJECT, stack: STACK, view, packs: [{ dir: packDir, config: policyPackConfig }], onTraffic: (method, body) => traffic.push({ method, body }) });
    return { report, traffic };
}

function sent(run: Recorded, method: string, resourceUrn?: string): Record<string, any>[] {
    return run.traffic.filter((r) => r.method === method && (resourceUrn === undefined || r.body.urn === resourceUrn)).map((r) => r.body);
}

function stackResource(run: Recorded, resourceUrn: string): Record<string, any> {
    const found = sent(run, "AnalyzeStack")[0].resources.find((r: { urn: string }) => r.urn === resourceUrn);
    assert.ok(found, `AnalyzeStack did not include ${resourceUrn}`);
    return found;
}

const LAMBDA = urn("aws:lambda/function:Function", "app");
const REPOSITORY = urn("aws:ecr/repository:Repository", "repo");

describe("the gate speaks to the pack as the Pulumi engine does", function () {
    this.timeout(180_000);
    let preview: Recorded;
    let update: Recorded;
    let remediating: Recorded;

    before(async () => {
        preview = await record("preview");
        update = await record("update");
        remediating = await record("preview", REMEDIATING_PACK);
    });
    // runGate installs its own mocks in this process; give the other suites theirs back.
    after(() => useStack("dev"));

    describe("URNs (pkg/resource/deploy/deployment.go generateURN, sdk/go/common/resource/urn.go NewURN)", () => {
        it("qualifies a type with the whole parent type chain and leaves the root Stack out", () => {
            const nested = urn("conformance:test:Outer$conformance:test:Inner$aws:sqs/queue:Queue", "outer-inner-queue");
            assert.equal(sent(preview, "Analyze", nested).length, 1, "the queue two components deep is analyzed under its engine URN");
            assert.equal(sent(preview, "Analyze", urn("aws:ecr/repository:Repository", "repo")).length, 1, "a child of the Stack has no Stack in its type");
        });

        it("refuses a duplicate URN with the engine's message (step_generator.go generateURN, diag/errors.go GetDuplicateResourceURNError)", async () => {
            await assert.rejects(runGate({ projectDir: PROJECT, stack: "duplicate" }), (err: unknown) => {
                assert.ok(err instanceof EngineError, String(err));
                assert.equal(err.message, `Duplicate resource URN 'urn:pulumi:duplicate::conformance::aws:sqs/queue:Queue::twice'; try giving it a unique name`);
                return true;
            });
        });

        it("refuses a duplicate URN registered back to back by a loop, before either reaches its provider", async () => {
            const loop = path.join(REPO_ROOT, "test", "fixtures", "duplicate-loop-project");
            await assert.rejects(runGate({ projectDir: loop, stack: "dev" }), (err: unknown) => {
                assert.ok(err instanceof EngineError, String(err));
                assert.equal(err.message, `Duplicate resource URN 'urn:pulumi:dev::duplicate-loop::aws:s3/bucket:Bucket::assets'; try giving it a unique name`);
                return true;
            });
        });
    });

    describe("resource references (pkg/resource/plugin/rpc.go MarshalPropertyValue without KeepResources)", () => {
        it("sends a referenced custom resource as its id and a referenced component as its URN", () => {
            const [outer] = sent(update, "Analyze", urn("conformance:test:Outer", "outer"));
            // The mocks give an ECR repository its name as id, as AWS does.
            assert.equal(outer.properties.repository, stackResource(update, REPOSITORY).properties.name);
            assert.equal(outer.properties.inner, urn("conformance:test:Inner", "standalone"));
        });

        it("sends a reference to a resource not yet created as unknown during a preview", () => {
            const [outer] = sent(preview, "Analyze", urn("conformance:test:Outer", "outer"));
            assert.equal(outer.properties.repository, UNKNOWN_SENTINEL);
        });
    });

    describe("what is analyzed (step_generator.go continueStepsFromImport and analyzeAll, default_providers.go)", () => {
        it("analyzes every registered resource: custom, components, the Stack and providers", () => {
            const analyzed = new Set(sent(preview, "Analyze").map((r) => r.urn));
            for (const expected of [
                urn("pulumi:pulumi:Stack", "conformance-conformance"),
                urn("conformance:test:Outer", "outer"),
                urn("pulumi:providers:aws", "east"),
                urn("pulumi:providers:aws", "default_7_48_0"),
                urn("pulumi:providers:docker-build", "default_0_0_22"),
                LAMBDA,
            ]) {
                assert.ok(analyzed.has(expected), `${expected} was not analyzed; analyzed:\n${[...analyzed].join("\n")}`);
            }
            assert.equal(analyzed.size, preview.report.resources.length, "every resource once");
        });

        it("gives a default provider the package's config and version as inputs (newRegisterDefaultProviderEvent)", () => {
            const [provider] = sent(preview, "Analyze", urn("pulumi:providers:aws", "default_7_48_0"));
            assert.deepEqual(provider.properties, { region: "us-west-2", version: "7.48.0" });
        });

        it("sends each custom resource's provider, default or explicit (analyzeAll: r.Provider)", () => {
            const [queue] = sent(preview, "Analyze", urn("aws:sqs/queue:Queue", "east-queue"));
            assert.deepEqual({ ...queue.provider, properties: undefined }, { urn: urn("pulumi:providers:aws", "east"), type: "pulumi:providers:aws", name: "east", properties: undefined });
            assert.equal(queue.provider.properties.region, "us-east-1", "the provider's inputs");
            const [lambda] = sent(preview, "Analyze", LAMBDA);
            assert.equal(lambda.provider.urn, urn("pulumi:providers:aws", "default_7_48_0"));
            const [component] = sent(preview, "Analyze", urn("conformance:test:Outer", "outer"));
            assert.equal(component.provider, undefined, "a component has no provider");
        });

        it("sends the resource options (analyzer_plugin.go marshalResourceOptions)", () => {
            const [repository] = sent(preview, "Analyze", REPOSITORY);
            assert.deepEqual({ ...repository.options, aliasesList: undefined }, {
                protect: true,
                ignorechangesList: ["tags"],
                deletebeforereplace: true,
                deletebeforereplacedefined: true,
                additionalsecretoutputsList: ["registryId"],
                aliasesList: undefined,
                customtimeouts: { create: 300, update: 5400, pb_delete: 90, read: 0 },
                parent: urn("pulumi:pulumi:Stack", "conformance-conformance"),
            });
        });
    });

    describe("transforms (source_eval.go RegisterResource: own, then parents', then stack transforms)", () => {
        it("applies a stack transform before analysis: the repository is analyzed IMMUTABLE", () => {
            const [repository] = sent(preview, "Analyze", REPOSITORY);
            assert.equal(repository.properties.imageTagMutability, "IMMUTABLE");
        });

        it("applies a component's transform to its children", () => {
            const [queue] = sent(preview, "Analyze", urn("conformance:test:Inner$aws:sqs/queue:Queue", "transformed-queue"));
            assert.equal(queue.properties.delaySeconds, 7);
            const [untouched] = sent(preview, "Analyze", urn("conformance:test:Inner$aws:sqs/queue:Queue", "standalone-queue"));
            assert.equal(untouched.properties.delaySeconds, 0);
        });
    });

    describe("remediation (step_generator.go continueStepsFromImport: remediate, then analyze)", () => {
        it("calls remediate before analyze for each resource and analyzes the remediated inputs", () => {
            const queue = urn("aws:sqs/queue:Queue", "east-queue");
            const order = remediating.traffic.filter((r) => r.body.urn === queue).map((r) => r.method);
            assert.deepEqual(order, ["Remediate", "Analyze"]);
            assert.deepEqual(sent(remediating, "Analyze", queue)[0].properties.tags, { owner: "platform" });
            assert.ok(!remediating.report.diagnostics.some((d) => d.policy === "queue-has-owner"), "no queue lacks its owner tag after remediation");
            assert.ok(remediating.report.remediations.some((r) => r.policy === "queue-owner-tag" && r.urn === queue));
        });

        it("reports a remediation's diagnostic as advisory (OnPolicyViolation with apitype.Advisory)", () => {
            const found = remediating.report.diagnostics.filter((d) => d.policy === "lambda-description-from-image");
            assert.deepEqual(found.map((d) => [d.level, d.urn]), [["advisory", LAMBDA]]);
            assert.match(found[0].message, /during preview/);
        });

        it("treats a stack policy at remediate level as mandatory (AnalyzeResources) and files a URN-less one under the root Stack", () => {
            const found = remediating.report.diagnostics.filter((d) => d.policy === "stack-remediate-level");
            assert.deepEqual(found.map((d) => [d.level, d.urn]), [["mandatory", urn("pulumi:pulumi:Stack", "conformance-conformance")]]);
        });
    });

    describe("preview values (step_generator.go AnalyzeResources: outputs; analyzer_plugin.go KeepUnknowns)", () => {
        it("sends analyze the inputs and analyzeStack the outputs, with computed values unknown in a preview", () => {
            const [lambda] = sent(preview, "Analyze", LAMBDA);
            assert.equal(lambda.properties.architectures, undefined, "the program set no architectures");
            const outputs = stackResource(preview, LAMBDA).properties;
            assert.equal(outputs.architectures, UNKNOWN_SENTINEL, "AWS computes architectures: unknown during a preview");
            assert.equal(outputs.arn, UNKNOWN_SENTINEL);
            assert.equal(outputs.imageUri, UNKNOWN_SENTINEL, "built from the repository URL, itself unknown");
        });

        it("sends known outputs in the update view", () => {
            const outputs = stackResource(update, LAMBDA).properties;
            assert.deepEqual(outputs.architectures, ["x86_64"]);
            assert.match(String(outputs.imageUri), /@sha256:[0-9a-f]{64}$/);
        });

        it("catches an arm64 image on a Lambda without architectures in both views", () => {
            for (const run of [preview, update]) {
                const found = run.report.diagnostics.filter((d) => d.urn === LAMBDA && d.level === "mandatory").map((d) => d.policy);
                assert.ok(found.includes("lambda-image-states-architectures"), `${run.report.view}: ${found.join(", ")}`);
            }
            const previewMatch = preview.report.diagnostics.filter((d) => d.policy === "lambda-architecture-matches-image");
            assert.deepEqual(previewMatch, [], "in a preview the stack rule cannot compare an unknown architectures");
            assert.ok(update.report.diagnostics.some((d) => d.policy === "lambda-architecture-matches-image" && d.level === "mandatory"));
        });

        it("drops empty property-dependency lists (analyzer_plugin.go AnalyzeStack)", () => {
            for (const resource of sent(preview, "AnalyzeStack")[0].resources) {
                for (const [key, urns] of Object.entries(resource.propertyDependencies as Record<string, string[]>)) {
                    assert.ok(urns.length > 0, `${resource.urn}: ${key}`);
                }
            }
        });
    });

    describe("stack and policy configuration (analyzer_plugin.go NewPolicyAnalyzer, engine/update.go, analyzer/config.go)", () => {
        it("sends ConfigureStack first, with the stack, project, tags, config and dry-run flag", () => {
            assert.deepEqual(preview.traffic.slice(0, 3).map((r) => r.method), ["ConfigureStack", "GetAnalyzerInfo", "Configure"]);
            const [stack] = sent(preview, "ConfigureStack");
            assert.equal(stack.stack, STACK);
            assert.equal(stack.project, "conformance");
            assert.equal(stack.dryRun, true);
            assert.deepEqual(stack.config, { "aws:region": "us-west-2" });
            assert.deepEqual(stack.tags, { "pulumi:project": "conformance", "pulumi:runtime": "nodejs", "pulumi:description": "Exercises what the engine does that a policy can see (URNs, references, transforms, options, providers, previews).", team: "platform" });
            assert.equal(sent(update, "ConfigureStack")[0].dryRun, false);
        });

        it("applies the pack's initialConfig under the file (ReconcilePolicyPackConfig)", () => {
            const [configure] = sent(remediating, "Configure");
            // The required `owner` comes from initialConfig. An initialConfig entry with properties
            // only reaches the engine with level 0, which analyzer_plugin.go convertEnforcementLevel
            // reads as advisory, and applyConfig then sets: the engine demotes the policy, so does the gate.
            assert.deepEqual(configure.policyConfig["queue-has-owner"], { enforcementLevel: "advisory", properties: { owner: "platform" } });
        });

        it("accepts policy names and settings the pack does not define, with a warning, and still sends them (applyConfig)", async () => {
            const info = await (await policyPack()).getAnalyzerInfo();
            const { config, warnings } = resolvePackConfig({ "ecr-scan-on-pushh": "advisory", "ecr-scan-on-push": { enforcementLevel: "mandatory", typo: 1 } }, info, "x.json");
            assert.equal(config["ecr-scan-on-pushh"].enforcementLevel, "advisory");
            assert.deepEqual(config["ecr-scan-on-push"], { enforcementLevel: "mandatory", properties: { typo: 1 } });
            assert.deepEqual(warnings.map((w) => w.split(" (")[0]), [
                "x.json: 'ecr-scan-on-pushh' is not a policy of pack 'polyarch'",
                "x.json: 'ecr-scan-on-push.typo' is not a setting of this policy",
            ]);
        });

        it("validates each policy's config with a JSON Schema validator, errors sorted and joined (validatePolicyPackConfig)", async () => {
            const info = await (await policyPack()).getAnalyzerInfo();
            assert.throws(() => resolvePackConfig({
                "eks-control-plane-logging": { requiredLogTypes: ["api", 7] },
                "ecr-kms-encryption": { requireCustomerManagedKey: "yes" },
            }, info, "x.json"), (err: Error) => {
                assert.equal(err.message, 'policy config for "polyarch": ecr-kms-encryption: requireCustomerManagedKey: must be boolean; ' +
                    "eks-control-plane-logging: requiredLogTypes.1: must be equal to one of the allowed values; " +
                    "eks-control-plane-logging: requiredLogTypes.1: must be string");
                return true;
            });
        });

        it("makes every rule of the polyarch pack mandatory when no config file is given (createConfigWithDefaults)", async () => {
            const info = await (await policyPack()).getAnalyzerInfo();
            const { config } = defaultPackConfig(info);
            const notMandatory = Object.entries(config).filter(([, c]) => c.enforcementLevel !== "mandatory").map(([name]) => name);
            assert.deepEqual(notMandatory, []);
            assert.equal(Object.keys(config).length, info.policies.length);
        });
    });
});
