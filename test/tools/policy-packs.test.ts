import { strict as assert } from "assert";
import * as path from "path";
import { UsageError } from "../../cli/src/command";
import { packChoices } from "../../cli/src/pack-choice";
import { REPO, plan } from "../support/plan-cli";

/**
 * `--policy-pack` (repeatable) and `--policy-pack-config`, as `pulumi preview` takes them
 * (pkg/cmd/pulumi/operations/up.go validatePolicyPackConfig: configs pair with packs by position),
 * with the bundled pack where no `--policy-pack` is given and the word `polyarch` naming it.
 */
describe("policy packs: the bundled one, others instead or beside it", function () {
    this.timeout(180_000);
    const OTHER = "test/fixtures/misattributing-pack";

    describe("pairing the flags", () => {
        it("runs the bundled pack alone without --policy-pack, with at most one config for it", () => {
            assert.deepEqual(packChoices([], [], REPO), [{}]);
            assert.deepEqual(packChoices([], ["dev.json"], "/work"), [{ config: "/work/dev.json" }]);
            assert.throws(() => packChoices([], ["a.json", "b.json"], REPO), (error: Error) =>
                error instanceof UsageError && /^2 --policy-pack-config flags but no --policy-pack: .*`polyarch` for the bundled one/.test(error.message));
        });

        it("pairs configs with packs by position, one each or none, `polyarch` naming the bundled pack", () => {
            assert.deepEqual(packChoices(["polyarch", OTHER], ["p.json", "o.json"], REPO),
                [{ config: path.join(REPO, "p.json") }, { dir: path.join(REPO, OTHER), config: path.join(REPO, "o.json") }]);
            assert.deepEqual(packChoices([OTHER], [], REPO), [{ dir: path.join(REPO, OTHER) }]);
            assert.throws(() => packChoices(["polyarch", OTHER], ["p.json"], REPO), (error: Error) => error instanceof UsageError &&
                error.message === "the number of \"--policy-pack-config\" flags must match the number of \"--policy-pack\" flags (1 and 2)");
        });

        it("refuses a folder that is not a policy pack, naming it", () => {
            assert.throws(() => packChoices(["test/fixtures"], [], REPO), (error: Error) =>
                error instanceof UsageError && error.message === `--policy-pack: 'test/fixtures' is not a policy pack (no PulumiPolicy.yaml in ${path.join(REPO, "test/fixtures")})`);
        });
    });

    describe("through `polyarch plan`", () => {
        const mismatch = ["--project", "test/fixtures/mismatch-project", "--stack", "mismatch", "--json"];
        type Report = { diagnostics: { policyPack?: string; policy: string; urn: string; level: string }[] };

        it("runs another pack beside the bundled one: both packs' diagnostics, each naming its pack", () => {
            const run = plan(...mismatch, "--policy-pack", "polyarch", "--policy-pack", OTHER);
            assert.equal(run.status, 1, run.stderr);
            const report = JSON.parse(run.stdout) as Report;
            const mandatory = report.diagnostics.find((d) => d.policy === "lambda-architecture-matches-image");
            assert.equal(mandatory?.policyPack, "polyarch");
            assert.equal(mandatory?.level, "mandatory");
            const stack = report.diagnostics.filter((d) => d.policy === "stack-without-urn");
            assert.deepEqual(stack.map((d) => [d.policyPack, d.urn]), [["misattributing", "urn:pulumi:mismatch::mismatch-demo::pulumi:pulumi:Stack::mismatch-demo-mismatch"]]);
            assert.ok(report.diagnostics.every((d) => d.policyPack === "polyarch" || d.policyPack === "misattributing"));
            // The resources' findings first (program order, each resource's pack by pack), then each pack's stack
            // findings in the packs' order: the second pack's stack finding is the last of all.
            assert.equal(report.diagnostics[report.diagnostics.length - 1].policy, "stack-without-urn");
            // lambda-architecture-matches-image is a stack policy (it reads the graph): after every resource finding.
            const polyarchAt = report.diagnostics.findIndex((d) => d.policy === "lambda-architecture-matches-image");
            const resourceFindings = report.diagnostics.flatMap((d, i) => (d.policy === "resource-names-another-urn" ? [i] : []));
            assert.ok(resourceFindings.length > 0 && resourceFindings.every((i) => i < polyarchAt), "resource findings, then the stack's");
        });

        it("runs only the packs named: the bundled pack's rules are not run without `polyarch`", () => {
            const run = plan(...mismatch, "--policy-pack", OTHER);
            assert.equal(run.status, 0, run.stderr);
            const report = JSON.parse(run.stdout) as Report;
            assert.ok(report.diagnostics.length > 0);
            assert.deepEqual(report.diagnostics.filter((d) => !["resource-names-another-urn", "stack-without-urn"].includes(d.policy)), []);
            assert.ok(report.diagnostics.every((d) => d.policyPack === undefined), "one pack: diagnostics as before, without policyPack");
        });

        it("warns that remediations are not chained from pack to pack when more than one pack runs and one remediates", () => {
            const engineProject = ["--project", "test/fixtures/engine-project", "--stack", "conformance", "--json"];
            const warning = /^warning: more than one pack runs and one remediates: the gate does not feed one pack's remediated inputs to the next/m;
            const both = plan(...engineProject, "--policy-pack", "polyarch", "--policy-pack", "test/fixtures/remediating-pack");
            assert.ok([0, 1].includes(both.status as number), both.stderr);
            assert.match(both.stderr, warning);
            assert.ok((JSON.parse(both.stdout) as { remediations: unknown[] }).remediations.length > 0);
            const alone = plan(...engineProject, "--policy-pack", "test/fixtures/remediating-pack");
            assert.doesNotMatch(alone.stderr, warning, "one pack: nothing to chain");
        });

        it("refuses unpaired configs with exit 2 and Pulumi's words, nothing run", () => {
            const run = plan(...mismatch, "--policy-pack", "polyarch", "--policy-pack", OTHER, "--policy-pack-config", "policies/config/dev.json");
            assert.equal(run.status, 2);
            assert.equal(run.stdout, "");
            assert.match(run.stderr, /^error: the number of "--policy-pack-config" flags must match the number of "--policy-pack" flags \(1 and 2\)\nusage: polyarch plan/);
        });
    });
});
