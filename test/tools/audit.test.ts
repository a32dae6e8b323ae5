import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalRegistry } from "../../cli/src/images/local-registry";
import { packConfigWith, requireDockerRegistry } from "../support/docker-registry";
import { RegistryWriter } from "../support/oci-push";
import { REPO, plan } from "../support/plan-cli";
import { exportStackState } from "../support/state";

interface JsonReport {
    stack: string;
    view: string;
    resources: { urn: string; type: string; inputs: Record<string, unknown> }[];
    diagnostics: { policy: string; urn: string; level: string; message: string }[];
    remediations: unknown[];
}

/** `npm run audit -- ARGS` as a user runs it. */
function audit(...args: string[]) {
    const run = spawnSync(process.execPath, ["-r", "./tools/register-cached-ts.js", "cli/src/main.ts", "audit", ...args], {
        cwd: REPO, encoding: "utf8", timeout: 170_000, env: { ...process.env, NO_COLOR: "1", AWS_EC2_METADATA_DISABLED: "true" },
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const TEMPLATE = path.join(REPO, "test", "fixtures", "states", "foreign-shop.template.json");
const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const AMD64 = { os: "linux", architecture: "amd64" };
const ARM64 = { os: "linux", architecture: "arm64" };
/** The ciphertexts in the foreign state: none may reach the output, nor anything they hide. */
const SECRET_MARKERS = ["hunter2-is-not-here", "db-password-is-not-here", "token-is-not-here"];

/**
 * `npm run audit` (issue 25): the pack over a `pulumi stack export` document, as `pulumi policy
 * analyze --file` runs it, offline, and with `--registry` against what the registries hold.
 */
describe("npm run audit -- FILE", function () {
    this.timeout(300_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-audit-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const shop = (digests: Record<string, string>) => {
        const file = path.join(dir, `shop-${Object.values(digests).join("").slice(7, 15)}.json`);
        fs.writeFileSync(file, fs.readFileSync(TEMPLATE, "utf8").replace(/\{\{(\w+)\}\}/g, (_, name: string) => digests[name]));
        return file;
    };

    describe("this project's dev stack, from the state its own update leaves", () => {
        let stateFile: string;
        before(async () => {
            stateFile = await exportStackState(REPO, "dev", path.join(dir, "dev.json"));
        });

        it("gives the verdicts `plan --update` gives, on every resource of the state", () => {
            const audited = audit(stateFile, "--json");
            assert.equal(audited.status, 0, audited.stderr);
            const planned = plan("--stack", "dev", "--update", "--json");
            assert.equal(planned.status, 0, planned.stderr);
            const fromAudit = JSON.parse(audited.stdout) as JsonReport;
            const fromPlan = JSON.parse(planned.stdout) as JsonReport;
            assert.equal(fromAudit.stack, "dev");
            assert.deepEqual(fromAudit.resources.map((r) => r.urn), fromPlan.resources.map((r) => r.urn));
            const verdicts = (r: JsonReport) => r.diagnostics.map((d) => `${d.level} ${d.policy} ${d.urn}`).sort();
            assert.deepEqual(verdicts(fromAudit), verdicts(fromPlan));
            assert.ok(fromAudit.diagnostics.length > 0, "the dev stack has advisory findings to compare");
        });

        it("prints the plan's table and report, headed as an audit", () => {
            const audited = audit(stateFile);
            assert.equal(audited.status, 0, audited.stderr);
            assert.match(audited.stdout, /^polyarch audit — stack dev {2}\(policy config: policies\/config\/dev\.json\)$/m);
            assert.match(audited.stdout, /^thumbnails +Lambda function +linux\/arm64 +arm64 +Lambda +ok$/m);
            assert.match(audited.stdout, /^PASS: 0 mandatory, 6 advisory diagnostic\(s\) over 75 resources$/m);
        });
    });

    describe("a foreign project's stack (hand-written Lambda, ECS, EKS, Kubernetes), against a real registry", () => {
        let registry: LocalRegistry;
        let configFile: string;
        let digests: Record<string, string>;
        before(async function () {
            requireDockerRegistry(this);
            registry = await LocalRegistry.start(path.join(dir, "registry"));
            const writer = new RegistryWriter(`http://${registry.address}`);
            // What was deployed: an amd64 image on the arm64 function and task, an arm64 one on the arm64 nodes.
            digests = {
                orders: (await writer.image("shop/orders", AMD64)).digest,
                billing: (await writer.image("shop/billing", AMD64)).digest,
                web: (await writer.image("shop/web", ARM64)).digest,
            };
            configFile = path.join(dir, "prod-with-registry.json");
            fs.writeFileSync(configFile, JSON.stringify(packConfigWith("prod",
                ["image-platform-matches-registry", "image-platform-readable-from-registry"], { registryEndpoints: { [ECR]: `http://${registry.address}` } })));
        });
        after(() => registry?.stop());

        it("with --registry, refuses each workload running an image of an architecture it cannot run, by what the registry says", () => {
            const run = audit(shop(digests), "--registry", "--json", "--policy-pack-config", configFile);
            assert.equal(run.status, 1, run.stderr);
            const report = JSON.parse(run.stdout) as JsonReport;
            const found = report.diagnostics.filter((d) => d.policy === "image-platform-matches-registry");
            assert.deepEqual(found.map((d) => [d.level, d.urn.split("::").pop()]), [["mandatory", "orders"], ["mandatory", "billing"]]);
            assert.match(found[0].message, new RegExp(`^Lambda function 'orders' runs arm64 .* but the registry says image ${ECR}/shop/orders@${digests.orders} .* is linux/amd64`));
            // The resource pending deletion is skipped (analyze_snapshot.go: `if res.Delete { continue }`).
            assert.equal(report.resources.some((r) => r.urn.endsWith("::legacy-reports")), false);
            assert.equal(report.diagnostics.some((d) => d.urn.endsWith("::legacy-reports")), false);
        });

        it("without --registry, says the registry rules did not run and judges only what the state shows", () => {
            const run = audit(shop(digests), "--json", "--policy-pack-config", configFile);
            assert.equal(report(run).diagnostics.some((d) => d.policy.startsWith("image-platform")), false);
            assert.match(run.stderr, /notice: registry rules .* not run: `--registry` reads every deployed image from its registry/);
        });

        it("redacts every secret to \"[secret]\" and prints none, nor its ciphertext", () => {
            for (const args of [["--json"], []]) {
                const run = audit(shop(digests), "--registry", "--policy-pack-config", configFile, ...args);
                for (const marker of SECRET_MARKERS) {
                    assert.equal(run.stdout.includes(marker) || run.stderr.includes(marker), false, marker);
                }
                // With --json the notices go to stderr beside the document; otherwise they head the report.
                assert.match(run.stdout + run.stderr, /notice: could not decrypt secrets in .*; analyzing with secret values redacted \(4 secret value\(s\), each "\[secret\]"/);
            }
            const json = report(audit(shop(digests), "--json", "--policy-pack-config", configFile));
            const orders = json.resources.find((r) => r.urn.endsWith("::orders"));
            assert.deepEqual(orders?.inputs.environment, { variables: { DB_PASSWORD: "[secret]" } });
        });
    });

    const report = (run: { stdout: string; stderr: string }) => {
        assert.notEqual(run.stdout, "", run.stderr);
        return JSON.parse(run.stdout) as JsonReport;
    };

    describe("bad files: exit 2, one line naming the file and what is wrong, nothing on stdout", () => {
        const write = (name: string, text: string) => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, text);
            return file;
        };
        const cases: [string, () => string, RegExp][] = [
            ["not JSON", () => write("broken.json", "{\"version\": 3,"), /^error: reading deployment from .*broken\.json: .* \(not the JSON `pulumi stack export` writes\)\n$/],
            ["no version", () => write("unversioned.json", "{\"deployment\": {}}"), /^error: deserializing deployment from .*unversioned\.json: this stack's deployment is too old\n$/],
            ["a newer version", () => write("v5.json", "{\"version\": 5, \"deployment\": {}}"), /^error: deserializing deployment from .*v5\.json: this stack's deployment version is too new\n$/],
            ["resources not a list", () => write("shape.json", "{\"version\": 3, \"deployment\": {\"resources\": {}}}"), /^error: deserializing deployment from .*shape\.json: deployment\.resources: Expected array, received object\n$/],
            ["an invalid URN", () => write("urn.json", JSON.stringify({ version: 3, deployment: { resources: [{ urn: "urn:pulumi:dev::shop", type: "aws:s3/bucket:Bucket", custom: true }] } })),
                /^error: state file .*urn\.json contains a resource with an invalid URN "urn:pulumi:dev::shop"\n$/],
            ["a missing file", () => path.join(dir, "missing.json"), /^error: could not open file: .*missing\.json: ENOENT\n$/],
        ];
        for (const [what, file, message] of cases) {
            it(what, () => {
                const run = audit(file());
                assert.equal(run.status, 2, run.stderr);
                assert.equal(run.stdout, "");
                assert.match(run.stderr, message);
            });
        }

        it("a file with no resources: nothing to analyze, exit 0, no pack started (policy_analyze.go)", () => {
            const run = audit(write("empty.json", "{\"version\": 3, \"deployment\": {\"resources\": []}}"));
            assert.equal(run.status, 0, run.stderr);
            assert.equal(run.stdout, "");
            assert.match(run.stderr, /^File .*empty\.json has no resources; nothing to analyze\.\n$/);
        });

        it("usage: no file", () => {
            const run = audit();
            assert.equal(run.status, 2);
            assert.match(run.stderr, /^error: give one state file/);
        });

        it("usage: a mistyped flag, exit 2 with the nearest one", () => {
            const run = audit("state.json", "--regsitry");
            assert.equal(run.status, 2);
            assert.match(run.stderr, /^error: unknown argument '--regsitry'; did you mean '--registry'\?\nusage: polyarch audit/);
        });
    });
});
