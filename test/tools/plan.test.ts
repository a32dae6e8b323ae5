import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runGate } from "../../cli/src/policy-gate/gate";
import { planNodeFlags } from "../../tools/plan-node-flags";
import { useStack } from "../support/mock-runtime";
import { REPO, plan } from "../support/plan-cli";

describe("npm run plan (the offline plan and policy gate)", function () {
    this.timeout(180_000);

    it("prints the dev table with every service ok and exits 0", () => {
        const { status, stdout, stderr } = plan();
        assert.equal(status, 0, stderr);
        assert.match(stdout, /polyarch plan — stack dev {2}\(policy config: policies\/config\/dev\.json\)/);
        assert.match(stdout, /SERVICE\s+TARGET\s+IMAGE PLATFORM\s+COMPUTE ARCH\s+RUNS ON\s+VERDICT/);
        for (const row of [
            /thumbnails\s+Lambda function\s+linux\/arm64\s+arm64\s+Lambda\s+ok/,
            /catalog-api\s+Kubernetes Deployment\s+linux\/arm64\s+arm64\s+EKS nodes linux\/arm64\s+ok/,
            /storefront\s+ECS task definition\s+linux\/arm64\s+arm64\s+ECS Fargate\s+ok/,
            /storefront-legacy\s+App Runner service\s+linux\/amd64\s+x86_64\s+App Runner\s+ok/,
        ]) {
            assert.match(stdout, row);
        }
        assert.match(stdout, /advisory \(\d+\)/);
        assert.match(stdout, /PASS: 0 mandatory/);
        assert.ok(!stdout.includes("\u001b["), "no colour when stdout is not a terminal");
        assert.match(stderr, /starting the policy pack and running/, "a progress line while the program and pack start");
    });

    it("prints exactly one valid JSON report for prod --json, with the recorded graph and no secret in plain text", () => {
        const { status, stdout } = plan("--stack", "prod", "--json");
        assert.equal(status, 0);
        const report = JSON.parse(stdout);
        assert.deepEqual(Object.keys(report), ["stack", "view", "resources", "diagnostics", "remediations", "cost"]);
        assert.equal(report.stack, "prod");
        const urns = new Set(report.resources.map((r: any) => r.urn));
        for (const r of report.resources) {
            assert.deepEqual(Object.keys(r), ["urn", "type", "name", "parent", "inputs", "dependencies", "propertyDependencies"]);
            for (const dep of [...r.dependencies, ...Object.values<string[]>(r.propertyDependencies).flat()]) {
                assert.ok(urns.has(dep), `${r.urn} depends on ${dep}, which is not in resources`);
            }
        }
        const fn = report.resources.find((r: any) => r.type === "aws:lambda/function:Function");
        assert.deepEqual(fn.inputs.architectures, ["arm64"]);
        assert.ok(fn.propertyDependencies.imageUri.some((u: string) => u.endsWith("docker-build:index:Image::thumbnails-image")));
        const image = report.resources.find((r: any) => r.name === "thumbnails-image");
        assert.equal(image.inputs.registries[0].password, "[secret]");
        assert.ok(!stdout.includes("mock-password"), "secrets never reach the report");
        assert.deepEqual(report.diagnostics, []);
    });

    it("exits 1 with the diagnostic for a stack whose Lambda and image disagree (no polyarch components used)", () => {
        const { status, stdout } = plan("--project", "test/fixtures/mismatch-project", "--stack", "mismatch",
            "--policy-pack-config", "policies/config/prod.json");
        assert.equal(status, 1);
        assert.match(stdout, /app\s+Lambda function\s+linux\/amd64\s+arm64\s+Lambda\s+mandatory/);
        assert.match(stdout, /\[lambda-architecture-matches-image\] Lambda function 'app' runs arm64 \(architectures: \["arm64"\]\) but its image 'app' \(docker-build:index:Image\) is built for linux\/amd64/);
        assert.match(stdout, /FAIL: 1 mandatory/);
    });

    it("exits 2 with one line on stderr and nothing on stdout for an unknown stack or a bad flag", () => {
        const unknown = plan("--stack", "nope");
        assert.equal(unknown.status, 2);
        assert.equal(unknown.stdout, "");
        assert.equal(unknown.stderr, "error: --stack: no stack 'nope': Pulumi.nope.yaml does not exist; known stacks: dev, prod, targets\n");
        const flag = plan("--stak", "dev");
        assert.equal(flag.status, 2);
        assert.match(flag.stderr, /^error: unknown argument '--stak'; did you mean '--stack'\?\nusage: polyarch plan/);
        const far = plan("--verbose");
        assert.equal(far.status, 2);
        assert.match(far.stderr, /^error: unknown argument '--verbose'\nusage: polyarch plan/, "no suggestion when no flag is near");
        const config = plan("--policy-pack-config", "policies/config/missing.json");
        assert.equal(config.status, 2);
        assert.match(config.stderr, /^error: --policy-pack-config: file '.*missing\.json' does not exist\n$/);
    });

    it("uses the pack's defaults with a notice when the stack has no policy config", () => {
        const { status, stdout } = plan("--project", "test/fixtures/mismatch-project", "--stack", "mismatch");
        assert.equal(status, 1);
        assert.match(stdout, /notice: no --policy-pack-config and no config\/mismatch\.json in the pack's sources; using the pack's default levels/);
    });

    it("analyzes as a preview by default and as `pulumi up` with --update; a duplicate URN fails the preview with exit 3", () => {
        const views = ["", "--update"].map((flag) => {
            const { status, stdout } = plan("--project", "test/fixtures/engine-project", "--stack", "conformance", "--json", ...(flag ? [flag] : []));
            assert.equal(status, 1, "the Lambda without architectures is mandatory in both views");
            return JSON.parse(stdout).view;
        });
        assert.deepEqual(views, ["preview", "update"]);
        const duplicate = plan("--project", "test/fixtures/engine-project", "--stack", "duplicate");
        assert.equal(duplicate.status, 3);
        assert.equal(duplicate.stdout, "");
        assert.match(duplicate.stderr, /^error: preview failed: Duplicate resource URN 'urn:pulumi:duplicate::conformance::aws:sqs\/queue:Queue::twice'; try giving it a unique name$/m);
    });

    it("runs the registry rules only with --registry (the plan's digests are made up)", () => {
        const offline = plan("--project", "test/fixtures/mismatch-project", "--stack", "mismatch", "--update", "--json");
        assert.ok(!JSON.parse(offline.stdout).diagnostics.some((d: { policy: string }) => d.policy.startsWith("image-platform-")));
        assert.match(offline.stderr, /notice: registry rules \(image-platform-matches-registry, image-platform-readable-from-registry\) not run/);
        // With --registry the rule reads the registry the reference names; this made-up ECR digest
        // cannot be read from here (no network, no AWS credentials), and the rule says so.
        const online = spawnSync(process.execPath, [...planNodeFlags(), "cli/src/main.ts", "plan", "--project", "test/fixtures/mismatch-project",
            "--stack", "mismatch", "--update", "--registry", "--json"], {
            cwd: REPO, encoding: "utf8", timeout: 180_000,
            env: { ...process.env, NO_COLOR: "1", AWS_EC2_METADATA_DISABLED: "true", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "", AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent" },
        });
        const readable = JSON.parse(online.stdout).diagnostics.filter((d: { policy: string }) => d.policy === "image-platform-readable-from-registry");
        assert.equal(readable.length, 1, online.stderr);
        assert.match(readable[0].message, /could not be read from https:\/\/123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com/);
    });

    it("files an analyze diagnostic under the analyzed resource, and a URN-less stack diagnostic under the root Stack, as the engine does", async () => {
        try {
            const report = await runGate({
                projectDir: path.join(REPO, "test/fixtures/mismatch-project"),
                stack: "mismatch",
                packs: [{ dir: path.join(REPO, "test/fixtures/misattributing-pack") }],
            });
            const urns = new Set(report.resources.map((r) => r.urn));
            const perResource = report.diagnostics.filter((d) => d.policy === "resource-names-another-urn");
            assert.ok(perResource.length > 0);
            for (const d of perResource) {
                assert.ok(urns.has(d.urn), d.urn);
                assert.match(d.urn, new RegExp(`::${d.message.replace("about ", "")}$`));
            }
            const stackLevel = report.diagnostics.filter((d) => d.policy === "stack-without-urn");
            const root = report.resources.find((r) => r.type === "pulumi:pulumi:Stack");
            assert.deepEqual(stackLevel.map((d) => d.urn), [root?.urn]);
            // Inputs that depend on nothing carry no property-dependency entry.
            assert.ok(report.resources.every((r) => Object.values(r.propertyDependencies).every((urnList) => urnList.length > 0)));
        } finally {
            useStack("dev");
        }
    });

    // The pack's processes are this process's children (started from the gate's worker thread).
    const packChildren = () => fs.readdirSync("/proc").filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
        try {
            const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            return ppid === process.pid && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("run-policy-pack");
        } catch {
            return false;
        }
    });

    /** Runs the gate, watching this process's pack children while it runs; the error it fails with. */
    async function gateFailure(projectDir: string, stack: string, packDir?: string): Promise<{ error: Error; packSeen: boolean }> {
        const before = packChildren().length;
        let packSeen = false;
        const watch = setInterval(() => { packSeen ||= packChildren().length > before; }, 20);
        try {
            await runGate({ projectDir: path.join(REPO, projectDir), stack, packs: [{ dir: packDir && path.join(REPO, packDir) }] });
        } catch (error) {
            return { error: error as Error, packSeen };
        } finally {
            clearInterval(watch);
            // runGate installed its own recording mocks in this process; give the suite back its own.
            useStack("dev");
        }
        throw new Error("the gate should have failed");
    }

    it("leaves no process behind when the pack crashes mid-analysis, or the program fails while the pack runs", async () => {
        const before = packChildren();
        // The pack exits inside AnalyzeStack: the call fails as the connection drops.
        const crashed = await gateFailure("test/fixtures/mismatch-project", "mismatch", "test/fixtures/crashing-pack");
        assert.match(crashed.error.message, /UNAVAILABLE/);
        assert.deepEqual(packChildren(), before, "the crashed pack's process must be gone");
        // A program the engine refuses (a duplicate URN) while a healthy pack is up: the gate stops it.
        const refused = await gateFailure("test/fixtures/engine-project", "duplicate");
        assert.match(refused.error.message, /Duplicate resource URN/);
        assert.ok(refused.packSeen, "the pack should have been running beside the program");
        assert.deepEqual(packChildren(), before, "the pack must be stopped when the program fails");
    });
});
