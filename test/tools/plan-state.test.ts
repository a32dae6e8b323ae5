import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliResult, REPO, plan } from "../support/plan-cli";
import { exportStackState } from "../support/state";

interface JsonReport {
    resources: { urn: string; type: string; name: string; action?: string }[];
    diagnostics: { policy: string; urn: string; level: string }[];
}

const json = (result: CliResult): JsonReport => {
    assert.notEqual(result.stdout, "", result.stderr);
    return JSON.parse(result.stdout) as JsonReport;
};
const actions = (report: JsonReport) => Object.fromEntries(report.resources.map((r) => [r.urn, r.action]));
const verdicts = (report: JsonReport) => report.diagnostics.map((d) => `${d.level} ${d.policy} ${d.urn}`).sort();

/**
 * `npm run plan -- --state FILE` (issue 25, part 2): the preview of an update of a deployed stack.
 * The states are the ones the stacks' own `--update` runs leave (test/support/state.ts).
 */
describe("npm run plan -- --state FILE: the preview of an update", function () {
    this.timeout(300_000);
    let dir: string;
    /** Stack files written into this repository for one test (the program reads Pulumi.<stack>.yaml from its project). */
    const stackFiles: string[] = [];
    const contextCopy = path.join(REPO, "test", ".state-context");

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-plan-state-"));
    });
    after(() => {
        for (const file of stackFiles) {
            fs.rmSync(file, { force: true });
        }
        fs.rmSync(contextCopy, { recursive: true, force: true });
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A stack of this project named `stack`: prod's config, changed by `edit`. */
    const prodLike = (stack: string, edit: (yaml: string) => string = (y) => y) => {
        const file = path.join(REPO, `Pulumi.${stack}.yaml`);
        fs.writeFileSync(file, edit(fs.readFileSync(path.join(REPO, "Pulumi.prod.yaml"), "utf8")));
        stackFiles.push(file);
        return file;
    };
    const prodConfig = ["--policy-pack-config", "policies/config/prod.json"];

    it("plans the dev stack against its own deployed state: every resource a same, the verdicts unchanged", async () => {
        const state = await exportStackState(REPO, "dev", path.join(dir, "dev.json"));
        const withState = json(plan("--stack", "dev", "--json", "--state", state));
        const without = json(plan("--stack", "dev", "--json"));
        assert.deepEqual([...new Set(withState.resources.map((r) => r.action))], ["same"]);
        assert.equal(withState.resources.length, without.resources.length);
        assert.deepEqual(verdicts(withState), verdicts(without));
        assert.equal(without.resources.some((r) => "action" in r), false, "without --state the document is as before");
    });

    it("makes a changed image and its consumer updates, and the prod preview passes", async () => {
        prodLike("statectx");
        const state = await exportStackState(REPO, "statectx", path.join(dir, "statectx.json"));
        fs.cpSync(path.join(REPO, "services", "thumbnails"), path.join(contextCopy, "thumbnails"), { recursive: true });
        fs.appendFileSync(path.join(contextCopy, "thumbnails", "Dockerfile"), "\n# a change to the image\n");
        prodLike("statectx", (yaml) => yaml.replace("context: services/thumbnails", "context: test/.state-context/thumbnails"));
        const result = plan("--stack", "statectx", "--json", "--state", state, ...prodConfig);
        assert.equal(result.status, 0, result.stderr);
        const report = json(result);
        const changed = report.resources.filter((r) => r.action !== "same").map((r) => `${r.action} ${r.type} ${r.name}`);
        assert.ok(changed.includes("update docker-build:index:Image thumbnails-image"), changed.join("\n"));
        assert.ok(changed.includes("update aws:lambda/function:Function thumbnails-fn"), changed.join("\n"));
        // The release tag's first-deploy time follows the build it names (components/image.ts).
        assert.ok(changed.includes("update time:index/static:Static thumbnails-release"), changed.join("\n"));
        assert.equal(changed.length, 3, changed.join("\n"));
        assert.equal(changed.some((c) => c.includes("catalog-api") || c.includes("storefront")), false, changed.join("\n"));
        assert.deepEqual(report.diagnostics.filter((d) => d.level === "mandatory"), []);
    });

    it("lists what the program no longer registers as deletes, in the table's ACTION column too", async () => {
        prodLike("statedel");
        const state = await exportStackState(REPO, "statedel", path.join(dir, "statedel.json"));
        prodLike("statedel", (yaml) => yaml.replace(/    - name: storefront-legacy\n(      .*\n)+/, ""));
        const report = json(plan("--stack", "statedel", "--json", "--state", state, ...prodConfig));
        const deleted = report.resources.filter((r) => r.action === "delete").map((r) => r.type);
        assert.ok(deleted.includes("aws:apprunner/service:Service"), deleted.join("\n"));
        assert.ok(report.resources.filter((r) => r.action === "delete").every((r) => r.urn.includes("storefront-legacy")));
        const human = plan("--stack", "statedel", "--state", state, ...prodConfig);
        assert.match(human.stdout, /^SERVICE +ACTION +TARGET/m);
        assert.match(human.stdout, /^storefront-legacy-service +delete +App Runner service/m);
        assert.match(human.stdout, /^thumbnails +same +Lambda function/m);
    });

    it("refuses a wrong-architecture change to a deployed stack of a program we did not write", async () => {
        const copy = path.join(REPO, "test", ".state-context", "ecs-default-vpc");
        fs.cpSync(path.join(REPO, "test", "corpus", "ecs-default-vpc"), copy, { recursive: true });
        const state = await exportStackState(copy, "dev", path.join(dir, "ecs.json"));
        fs.writeFileSync(path.join(copy, "index.ts"), fs.readFileSync(path.join(copy, "index.ts"), "utf8")
            .replace('cpuArchitecture: "ARM64"', 'cpuArchitecture: "X86_64"'));
        const result = plan("--project", copy, "--stack", "dev", "--json", "--state", state);
        assert.equal(result.status, 1, result.stderr);
        const report = json(result);
        const task = report.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
        assert.equal(task?.action, "update");
        assert.deepEqual(report.diagnostics.filter((d) => d.level === "mandatory").map((d) => d.policy), ["ecs-task-architecture-matches-image"]);
        assert.equal(actions(report)[report.resources.find((r) => r.type === "aws:ecs/cluster:Cluster")?.urn ?? ""], "same");
    });

    it("refuses a bad state file with exit 2 and one line, and --state with --update", () => {
        const broken = path.join(dir, "broken.json");
        fs.writeFileSync(broken, "{}");
        const bad = plan("--state", broken);
        assert.equal(bad.status, 2);
        assert.match(bad.stderr, /^error: deserializing deployment from .*broken\.json: this stack.s deployment is too old$/m);
        const both = plan("--state", broken, "--update");
        assert.equal(both.status, 2);
        assert.match(both.stderr, /^error: --state plans the preview of an update of the deployed stack; leave out --update/);
    });
});
