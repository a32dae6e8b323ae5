import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { StateFileError, parseStateDocument } from "../../cli/src/engine/state-document";
import { runAudit } from "../../cli/src/policy-gate/audit";
import { GateReport } from "../../cli/src/policy-gate/gate";
import { REPO } from "../support/plan-cli";

const TEMPLATE = path.join(REPO, "test", "fixtures", "states", "foreign-shop.template.json");
const SECRET_KEY = "4dabf18193072939515e22adb298388d";

/**
 * The audit speaks to the pack as `pulumi policy analyze --file` does (pulumi/pulumi at
 * 1b5949891b: pkg/cmd/pulumi/policy/policy_analyze.go, pkg/engine/update.go
 * LoadLocalPolicyPackAnalyzers, pkg/resource/deploy/analyze_snapshot.go AnalyzeSnapshot).
 */
describe("the audit speaks to the pack as `pulumi policy analyze --file` does", function () {
    this.timeout(120_000);
    const traffic: { method: string; body: Record<string, unknown> }[] = [];
    let report: GateReport;
    const text = fs.readFileSync(TEMPLATE, "utf8").replace(/\{\{(\w+)\}\}/g, (_, name: string) => `sha256:${name[0].repeat(64)}`);
    const state = parseStateDocument(text, "shop.json");
    const live = state.resources.filter((r) => r.delete !== true);

    before(async () => {
        report = await runAudit({ file: "shop.json", state, onTraffic: (method, body) => traffic.push({ method, body }) });
    });

    it("configures the pack without ConfigureStack (LoadLocalPolicyPackAnalyzers passes no analyzer options): GetAnalyzerInfo once, then Configure", () => {
        assert.deepEqual(traffic.slice(0, 2).map((t) => t.method), ["GetAnalyzerInfo", "Configure"]);
        assert.equal(traffic.some((t) => t.method === "ConfigureStack"), false);
        // analyzer_plugin.go caches the pack's info: every later GetAnalyzerInfo sends nothing.
        assert.equal(traffic.filter((t) => t.method === "GetAnalyzerInfo").length, 1);
    });

    it("remediates then analyzes each resource not pending deletion, in state order; then AnalyzeStack (AnalyzeSnapshot)", () => {
        const calls = traffic.slice(2).map((t) => `${t.method} ${String(t.body.urn ?? "")}`.trim());
        const expected = [...live.flatMap((r) => [`Remediate ${r.urn}`, `Analyze ${r.urn}`]), "AnalyzeStack"];
        assert.deepEqual(calls, expected);
        assert.equal(live.length, state.resources.length - 1, "the fixture has one resource pending deletion");
    });

    it("sends Remediate and Analyze the state's inputs, and AnalyzeStack its outputs with parent and dependencies (stateToAnalyzerResource)", () => {
        const analyze = traffic.find((t) => t.method === "Analyze" && t.body.urn === live[3].urn);
        assert.equal((analyze?.body.properties as Record<string, unknown>).packageType, "Image");
        assert.equal((analyze?.body.properties as Record<string, unknown>).arn, undefined, "an output, not an input");
        const stack = traffic.find((t) => t.method === "AnalyzeStack")?.body.resources as Record<string, unknown>[];
        assert.deepEqual(stack.map((r) => r.urn), live.map((r) => r.urn));
        const orders = stack.find((r) => r.urn === live[3].urn);
        assert.equal((orders?.properties as Record<string, unknown>).arn, "arn:aws:lambda:us-east-1:123456789012:function:orders-fn-4c1e2a0");
        const web = stack.find((r) => String(r.urn).endsWith("::web"));
        assert.deepEqual(web?.dependencies, ["urn:pulumi:production::shop::aws:eks/nodeGroup:NodeGroup::general"]);
    });

    it("sends each resource's provider from the state (buildSnapshotProviderMap), its inputs as properties", () => {
        const analyze = traffic.find((t) => t.method === "Analyze" && String(t.body.urn).endsWith("::web"));
        const provider = analyze?.body.provider as Record<string, unknown>;
        assert.equal(provider.urn, "urn:pulumi:production::shop::pulumi:providers:kubernetes::cluster");
        assert.equal(provider.type, "pulumi:providers:kubernetes");
    });

    it("redacts every secret to \"[secret]\" (the blinding provider), keeping it a secret", () => {
        const all = JSON.stringify(traffic);
        assert.equal(all.includes("ciphertext"), false);
        assert.equal(all.includes("is-not-here"), false);
        const analyze = traffic.find((t) => t.method === "Analyze" && t.body.urn === live[3].urn);
        const variables = ((analyze?.body.properties as Record<string, Record<string, unknown>>).environment.variables as Record<string, unknown>);
        assert.deepEqual(variables.DB_PASSWORD, { [SECRET_KEY]: "1b47061264138c4ac30d75fd1eb44270", value: "[secret]" });
    });

    it("names the stack and project the URNs name (stackReferenceForFile), and uses that stack's policy config or the pack's defaults", () => {
        assert.equal(report.project, "shop");
        assert.equal(report.stack, "production");
        assert.equal(report.usedPackDefaults, true, "there is no policies/config/production.json");
    });

    describe("reading the file (stack.DeserializeUntypedDeployment, UnmarshalUntypedDeployment, migrate)", () => {
        const doc = (value: unknown) => JSON.stringify(value);
        const refused = (text: string) => {
            try {
                parseStateDocument(text, "f.json");
            } catch (err) {
                assert.ok(err instanceof StateFileError);
                return err.message;
            }
            return assert.fail("accepted");
        };

        it("refuses versions outside 1 to 4 in the engine's words", () => {
            assert.equal(refused(doc({ deployment: {} })), "deserializing deployment from f.json: this stack's deployment is too old");
            assert.equal(refused(doc({ version: 5, deployment: {} })), "deserializing deployment from f.json: this stack's deployment version is too new");
        });

        it("accepts version 4 with the features it supports, and names the ones it does not", () => {
            assert.deepEqual(parseStateDocument(doc({ version: 4, features: ["views"], deployment: { resources: [] } }), "f.json").resources, []);
            assert.equal(refused(doc({ version: 4, features: ["views", "teleport", "time-travel"], deployment: {} })),
                "deserializing deployment from f.json: this stack's deployment needs support for the following features: teleport, time-travel");
        });

        it("migrates versions 1 and 2: every input depends on every dependency, and version 1 has no provider", () => {
            const resource = { urn: "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket", custom: true, defaults: {},
                inputs: { bucket: "b", tags: {} }, dependencies: ["urn:pulumi:s::p::aws:kms/key:Key::k"], provider: "urn:pulumi:s::p::pulumi:providers:aws::x::1" };
            for (const version of [1, 2]) {
                const [migrated] = parseStateDocument(doc({ version, deployment: { resources: [resource] } }), "f.json").resources;
                assert.deepEqual(migrated.propertyDependencies, { bucket: resource.dependencies, tags: resource.dependencies });
                assert.equal("defaults" in migrated, false);
                assert.equal(migrated.provider, version === 1 ? "" : resource.provider);
            }
        });

        it("reads JSON nulls as empty values, as Go's decoder does (the engine's own checkpoints have them)", () => {
            const [resource] = parseStateDocument(doc({ version: 3, deployment: { resources: [{
                urn: "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket", custom: true, id: "b", parent: null,
                inputs: { x: 1 }, outputs: null, dependencies: null, propertyDependencies: { x: null },
            }] } }), "f.json").resources;
            assert.deepEqual([resource.parent, resource.outputs, resource.dependencies, resource.propertyDependencies], [undefined, undefined, undefined, { x: [] }]);
        });

        it("checks every URN, a resource pending deletion's too (policy_analyze.go)", () => {
            assert.equal(refused(doc({ version: 3, deployment: { resources: [{ urn: "urn:pulumi:s::p", type: "t", delete: true }] } })),
                "state file f.json contains a resource with an invalid URN \"urn:pulumi:s::p\"");
        });
    });
});
