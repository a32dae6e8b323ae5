import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExampleResult, findProjects } from "../../tools/examples-gate";
import { REPO } from "../support/plan-cli";

/**
 * `npm run examples:gate -- DIR` (issue 28): finds every Pulumi project under DIR, gates the Node.js
 * ones from a copy with their own dependencies, and reports each one's exit code, findings and
 * failure. The projects here need nothing from the npm registry (no package.json): tests stay on
 * this machine.
 */
describe("npm run examples:gate", function () {
    this.timeout(180_000);
    let dir: string;

    const project = (name: string, runtime: string, files: Record<string, string>) => {
        fs.mkdirSync(path.join(dir, name), { recursive: true });
        fs.writeFileSync(path.join(dir, name, "Pulumi.yaml"), `name: ${path.basename(name)}\nruntime: ${runtime}\n`);
        for (const [file, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, name, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, name, file), text);
        }
    };

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "examples-gate-test-"));
        project("component-only", "nodejs", {
            "index.js": "const pulumi = require(\"@pulumi/pulumi\");\nnew pulumi.ComponentResource(\"demo:index:Thing\", \"thing\");\n",
        });
        project("python/app", "{ name: python }", { "__main__.py": "import pulumi\n" });
        project("throws", "nodejs", { "index.js": "throw new Error(\"the example needs a VPC id\");\n" });
        // A package's own Pulumi.yaml inside node_modules is not a project of the checkout.
        project("throws/node_modules/some-package", "nodejs", { "index.js": "" });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("finds the projects under a folder, leaving node_modules out", () => {
        assert.deepEqual(findProjects(dir).map((p) => path.relative(dir, p)), ["component-only", "python/app", "throws"]);
    });

    it("gates each Node.js project and reports its exit code, what it checked, and why it failed", () => {
        const run = spawnSync(process.execPath, ["-r", "./tools/register-cached-ts.js", "tools/examples-gate.ts", dir, "--json"],
            { cwd: REPO, encoding: "utf8", timeout: 170_000 });
        assert.equal(run.status, 0, run.stderr);
        const results = JSON.parse(run.stdout) as ExampleResult[];
        assert.deepEqual(results.map((r) => [r.project, r.exit, r.mandatory, r.advisory]), [
            ["component-only", 0, 0, 0], ["python/app", null, 0, 0], ["throws", 3, 0, 0],
        ]);
        assert.equal(results[0].note, "no workload runs an image");
        assert.equal(results[1].note, "not run: runtime python");
        assert.match(results[2].note, /the example needs a VPC id/);
        assert.match(run.stderr, /\[1\/3\] component-only/);
    });

    it("refuses a folder that does not exist, with one line and exit 2", () => {
        const run = spawnSync(process.execPath, ["-r", "./tools/register-cached-ts.js", "tools/examples-gate.ts", path.join(dir, "missing")],
            { cwd: REPO, encoding: "utf8" });
        assert.equal(run.status, 2);
        assert.match(run.stderr, /^error: .*missing: not a folder\n$/);
    });
});
