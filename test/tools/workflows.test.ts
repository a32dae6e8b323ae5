import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { REPO } from "../support/plan-cli";

const WORKFLOWS = path.join(REPO, ".github", "workflows");
const read = (name: string) => parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8"));

/** Prod's EKS endpoint is private: its jobs run on a self-hosted runner inside the VPC. */
const PROD_RUNNER = "${{ vars.POLYARCH_PROD_RUNNER || 'polyarch-prod-vpc' }}";

describe(".github/workflows", function () {
    this.timeout(60_000);

    for (const file of fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml"))) {
        it(`${file} passes action-validator (the workflow schema)`, () => {
            const cli = path.join(REPO, "node_modules", "@action-validator", "cli", "cli.mjs");
            const result = spawnSync(process.execPath, [cli, path.join(WORKFLOWS, file)], { encoding: "utf8" });
            assert.equal(result.status, 0, result.stdout + result.stderr);
        });
    }

    it("gates pull requests: npm ci, npm test, the offline gate for dev and prod, then previews with the pack", () => {
        const pr = read("pull-request.yml");
        const steps = pr.jobs.test.steps.map((s: any) => s.run).filter(Boolean);
        assert.deepEqual(steps.slice(0, 3), ["npm ci", "sudo apt-get update && sudo apt-get install -y --no-install-recommends docker-registry", "npm test"]);
        assert.deepEqual(steps.slice(3), [
            "set -o pipefail\nnpm run -s plan -- --stack dev --markdown | tee -a \"$GITHUB_STEP_SUMMARY\" plan-dev.md\n",
            "set -o pipefail\nnpm run -s plan -- --stack prod --markdown | tee -a \"$GITHUB_STEP_SUMMARY\" plan-prod.md\n",
            "npm run -s pr:comment -- $(ls plan-dev.md plan-prod.md 2>/dev/null)",
        ]);
        assert.deepEqual([pr.jobs["preview-dev"].with, pr.jobs["preview-prod"].with],
            [{ stack: "dev", command: "preview" }, { stack: "prod", command: "preview", runner: PROD_RUNNER }]);
        const pulumi = read("pulumi-stack.yml").jobs.pulumi.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));
        assert.equal(pulumi.with.command, "preview", "the first Pulumi step is always a preview");
        assert.equal(pulumi.with.policyPacks, "policies");
        const runs = read("pulumi-stack.yml").jobs.pulumi.steps.map((s: any) => s.run).filter(Boolean);
        assert.ok(runs.indexOf("npm run build --workspace policies") > runs.indexOf("npm ci"), "the pack is built before the CLI loads its main");
        assert.equal(pulumi.with.policyPackConfigs, "policies/config/${{ inputs.stack }}.json");
    });

    it("keeps one plan comment with the workflow's own token: pull-requests write on the test job only, written even after a failed gate", () => {
        const pr = read("pull-request.yml");
        assert.deepEqual(pr.permissions, { contents: "read" }, "the workflow's default stays read-only");
        assert.deepEqual(pr.jobs.test.permissions, { contents: "read", "pull-requests": "write" });
        const comment = (pr.jobs.test.steps as any[]).find((s) => String(s.run).includes("pr:comment"));
        assert.deepEqual(comment.env, { GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" });
        assert.equal(comment.if, "${{ !cancelled() && steps.tests.outcome == 'success' }}", "a failed gate's plan is commented too, not a failed install's");
        const prodGate = (pr.jobs.test.steps as any[]).find((s) => s.name === "Offline gate (prod)");
        assert.equal(prodGate.if, comment.if, "prod's plan is written even when dev's gate failed");
        assert.equal(pr.jobs.test.steps[0].with["persist-credentials"], false, "the write token is not left where the pull request's code runs");
    });

    it("the gate step writes the plan's Markdown to the job summary and keeps the gate's exit code", function () {
        this.timeout(180_000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
        const summary = path.join(dir, "summary.md");
        const step = (read("pull-request.yml").jobs.test.steps as any[]).find((s) => s.name === "Offline gate (dev)");
        // Where there is no project `npm run` fails: the step must fail with it (pipefail), not take tee's 0.
        const failed = spawnSync("bash", ["-e", "-c", step.run], { cwd: dir, encoding: "utf8", env: { ...process.env, GITHUB_STEP_SUMMARY: summary } });
        assert.notEqual(failed.status, 0, "the gate's failure is the step's");
        fs.rmSync(summary, { force: true });
        const inRepo = spawnSync("bash", ["-e", "-c", step.run.replace(/plan-dev\.md/g, path.join(dir, "plan-dev.md"))], { cwd: REPO, encoding: "utf8",
            env: { ...process.env, GITHUB_STEP_SUMMARY: summary, NO_COLOR: "1" } });
        assert.equal(inRepo.status, 0, inRepo.stderr);
        assert.match(inRepo.stdout, /^## polyarch plan — stack dev$/m, "the log shows the plan too");
        const written = fs.readFileSync(summary, "utf8");
        assert.match(written, /^## polyarch plan — stack dev$/m);
        assert.equal(written, fs.readFileSync(path.join(dir, "plan-dev.md"), "utf8"));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("audits every deployed stack weekly: exports its state, then runs the audit against the registries", () => {
        const audit = read("audit.yml");
        assert.deepEqual(audit.jobs.audit.strategy.matrix.stack, ["dev", "prod"]);
        const runs = (audit.jobs.audit.steps as any[]).map((s) => s.run).filter(Boolean);
        assert.deepEqual(runs.slice(1), ["pulumi stack export --stack \"${{ matrix.stack }}\" --file state.json",
            "npm run -s audit -- state.json --registry --stack \"${{ matrix.stack }}\""]);
        assert.equal(audit.permissions.contents, "read");
    });

    it("deploys dev on main, then prod only after dev and behind the production environment", () => {
        const deploy = read("deploy.yml");
        assert.equal(deploy.on.push.branches[0], "main");
        assert.deepEqual(deploy.jobs["up-dev"].with, { stack: "dev", command: "up", environment: "development" });
        assert.equal(deploy.jobs["up-prod"].with.runner, PROD_RUNNER);
        assert.equal(deploy.jobs["up-prod"].needs, "up-dev");
        assert.equal(deploy.jobs["up-prod"].with.environment, "production");
    });

    it("never reaches `pulumi up` without a passing preview with the pack (stack policies run after up's steps)", () => {
        const steps = read("pulumi-stack.yml").jobs.pulumi.steps as any[];
        const pulumiSteps = steps.filter((s) => String(s.uses).startsWith("pulumi/actions@"));
        assert.deepEqual(pulumiSteps.map((s) => s.with.command), ["preview", "up"]);
        const [preview, up] = pulumiSteps;
        assert.equal(preview.if, undefined, "the preview runs for every command");
        assert.notEqual(preview["continue-on-error"], true, "a failed preview stops the job");
        assert.equal(up.if, "inputs.command == 'up'");
        for (const step of pulumiSteps) {
            assert.equal(step.with.policyPacks, "policies");
            assert.equal(step.with.policyPackConfigs, "policies/config/${{ inputs.stack }}.json");
        }
    });

    it("builds on a native arm64 runner with the builder prod names, using OIDC and never QEMU", () => {
        const workflow = read("pulumi-stack.yml");
        const job = workflow.jobs.pulumi;
        assert.equal(job["runs-on"], "${{ inputs.runner }}");
        assert.match(workflow.on.workflow_call.inputs.runner.default, /-arm$/);
        const buildx = job.steps.find((s: any) => String(s.uses).startsWith("docker/setup-buildx-action@"));
        const prodBuilder = /polyarch:builder: (\S+)/.exec(fs.readFileSync(path.join(REPO, "Pulumi.prod.yaml"), "utf8"))?.[1];
        assert.equal(buildx.with.name, prodBuilder);
        const aws = job.steps.find((s: any) => String(s.uses).startsWith("aws-actions/configure-aws-credentials@"));
        assert.ok(aws.with["role-to-assume"], "credentials come from an OIDC role");
        assert.equal(job.permissions ?? read("pulumi-stack.yml").permissions["id-token"], "write");
        for (const file of fs.readdirSync(WORKFLOWS)) {
            for (const step of Object.values(read(file).jobs).flatMap((j: any) => j.steps ?? [])) {
                if (String((step as any).uses).startsWith("actions/setup-node@")) {
                    assert.equal((step as any).with["node-version"], 24, `${file}: Node 20 is end-of-life; @pulumi/pulumi needs >= 22`);
                }
            }
        }
        const all = fs.readdirSync(WORKFLOWS).map((f) => fs.readFileSync(path.join(WORKFLOWS, f), "utf8")).join("\n");
        assert.ok(!/setup-qemu-action|binfmt/.test(all), "no emulation in CI");
    });
});
