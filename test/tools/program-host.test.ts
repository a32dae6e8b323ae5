import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runGate } from "../../cli/src/policy-gate/gate";
import { runProgramUnderMocks } from "../../cli/src/policy-gate/run-program";
import { refuseYarnPlugAndPlay } from "../../cli/src/policy-gate/yarn-plug-and-play";
import { readProjectFile, readStackFile } from "../../cli/src/stack-file";
import { useStack } from "../support/mock-runtime";
import { CliResult, REPO, plan, planWithEnv } from "../support/plan-cli";

/**
 * The gate runs a program as the Pulumi CLI's Node.js host does (issue 28, items 2, 4–8): the entry
 * it loads, the folder it runs in, what it does with an exported function, how a failing program
 * is told, the Node.js version it needs, and a report that is the same on every run. The behaviour
 * is @pulumi/pulumi 3.270.0's cmd/run/run.js and pulumi/pulumi's pkg/engine/project.go getPwdMain.
 */
describe("the gate runs programs as the CLI's Node.js host does", function () {
    this.timeout(180_000);

    const fixture = (name: string) => path.join("test", "fixtures", name);
    const json = (result: CliResult) => {
        assert.equal(result.stderr.includes("error:"), false, result.stderr);
        return JSON.parse(result.stdout) as { resources: { urn: string; type: string; name: string; propertyDependencies: Record<string, string[]> }[]; diagnostics: { urn: string; policy: string }[] };
    };
    /** What stderr says besides the progress lines and the Node.js version warning. */
    const said = (stderr: string) => stderr.split("\n")
        .filter((line) => line !== "" && !line.startsWith("starting the policy pack") && !line.startsWith("warning: Node.js "));

    /**
     * Runs a program in this process as the gate does, as `pulumi up` sees it (outputs known), giving
     * the suite its own mocks back after.
     */
    async function runHere(project: string) {
        const root = path.join(REPO, fixture(project));
        const file = readProjectFile(root);
        try {
            return await runProgramUnderMocks(file.entry, file.name, readStackFile(root, "dev"), false, undefined,
                { workingDirectory: file.workingDirectory, esModule: file.esModule, tsconfig: file.tsconfig, projectRoot: file.root });
        } finally {
            useStack("dev");
        }
    }

    describe("an exported function (item 2: run.js calls it, awaits it, and its result is the stack's outputs)", () => {
        it("runs `export = async () => …` and takes what it returns as the outputs", async () => {
            const run = await runHere("host-exported-function");
            assert.deepEqual(run.resources.map((r) => r.name).sort(),
                ["default_7_48_0", "exported-site", "exported-site-private", "host-exported-function-dev"]);
            assert.deepEqual(Object.keys(run.outputs), ["bucketName"]);
            const { status } = plan("--project", fixture("host-exported-function"));
            assert.equal(status, 0);
        });

        it("runs an ES module's default export (\"type\": \"module\"), as run.js imports one", async () => {
            const run = await runHere("host-esm-default");
            assert.ok(run.resources.some((r) => r.type === "aws:s3/bucket:Bucket" && r.name === "esm-site"));
            assert.deepEqual(Object.keys(run.outputs), ["bucketName"]);
        });

        it("does not call a CommonJS module's default export, as the CLI does not (pulumi/pulumi#4017), and says so", () => {
            const { status, stdout, stderr } = plan("--project", fixture("host-default-export-cjs"));
            assert.equal(status, 0, stderr);
            assert.match(stderr, /^warning: test\/fixtures\/host-default-export-cjs\/index\.ts: its default export is a function, which Pulumi never calls in a CommonJS program/m);
            // Only the Stack: "1 resource", not "1 resources" (item 8).
            assert.match(stderr, /^analyzing 1 resource…$/m);
            assert.match(stdout, /PASS: 0 mandatory, 0 advisory diagnostic\(s\) over 1 resource, none of which runs an image \(nothing checked\)$/m);
        });
    });

    describe("a failing program (item 4: exit 3, one line, nothing on stdout)", () => {
        it("says which config value is missing in the engine's words, and the stack file to set it in", () => {
            const { status, stdout, stderr } = plan("--project", fixture("host-missing-config"), "--json");
            assert.equal(status, 3);
            assert.equal(stdout, "");
            assert.deepEqual(said(stderr), ["error: Missing required configuration variable 'host-missing-config:siteName': " +
                "set it in test/fixtures/host-missing-config/Pulumi.dev.yaml " +
                "(`pulumi config set host-missing-config:siteName <value>` in test/fixtures/host-missing-config)"]);
        });

        it("gives an exception's message and its place in the user's TypeScript file, no stack trace", () => {
            const { status, stdout, stderr } = plan("--project", fixture("host-throwing"), "--json");
            assert.equal(status, 3);
            assert.equal(stdout, "");
            const lines = said(stderr);
            assert.equal(lines.length, 1, stderr);
            // index.ts line 10 reads `settings.logging!.targetPrefix` (the TypeScript line, not the compiled one).
            assert.match(lines[0], /^error: Running program 'test\/fixtures\/host-throwing\/index\.ts' failed with an unhandled exception: TypeError: Cannot read properties of undefined \(reading 'targetPrefix'\) \(at test\/fixtures\/host-throwing\/index\.ts:10:\d+\)$/);
        });

        it("says the project's dependencies are not installed when an import cannot be found", () => {
            const project = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-no-deps-"));
            try {
                fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: no-deps\nruntime: nodejs\n");
                fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), "config: {}\n");
                fs.writeFileSync(path.join(project, "index.ts"), "import * as aws from \"@pulumi/aws\";\n\nexport const bucket = new aws.s3.Bucket(\"site\").bucket;\n");
                const { status, stdout, stderr } = plan("--project", project, "--json");
                assert.equal(status, 3);
                assert.equal(stdout, "");
                const lines = said(stderr);
                assert.equal(lines.length, 1, stderr);
                assert.match(lines[0], /^error: Running program '.*index\.ts' failed: Cannot find module '@pulumi\/aws' \(at .*index\.ts:1:\d+\): the project's dependencies are not installed \(no node_modules\): run `npm install` in .*polyarch-no-deps-/);
            } finally {
                fs.rmSync(project, { recursive: true, force: true });
            }
        });

        it("says in one line, exit 3, what a Plug'n'Play project needs when polyarch runs without its resolver", () => {
            // What `yarn install` (Yarn 4, its default nodeLinker) leaves: a resolver, no node_modules.
            const project = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-pnp-"));
            try {
                fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: pnp\nruntime: nodejs\n");
                fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), "config: {}\n");
                fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "pnp", packageManager: "yarn@4.18.1", dependencies: { "@pulumi/pulumi": "3.270.0" } }));
                fs.writeFileSync(path.join(project, ".pnp.cjs"), "#!/usr/bin/env node\n/* eslint-disable */\n\"use strict\";\n");
                fs.writeFileSync(path.join(project, "index.js"), "const pulumi = require(\"@pulumi/pulumi\");\nexports.name = pulumi.getStack();\n");
                const { status, stdout, stderr } = plan("--project", project, "--json");
                assert.equal(status, 3);
                assert.equal(stdout, "");
                assert.deepEqual(said(stderr), [
                    `error: the project is installed with Plug'n'Play (${path.relative(REPO, path.join(project, ".pnp.cjs"))}: no node_modules), and neither ` +
                    "polyarch nor Pulumi's Node.js host finds @pulumi/pulumi without its resolver (the host: \"It looks like the Pulumi SDK has not been " +
                    "installed\"): run both through Yarn (`yarn polyarch plan`, `yarn pulumi up`), or install with node_modules (`nodeLinker: node-modules` in .yarnrc.yml)",
                ]);
            } finally {
                fs.rmSync(project, { recursive: true, force: true });
            }
        });

        it("does not take a project for Plug'n'Play when Node.js finds @pulumi/pulumi, or when polyarch runs under the resolver", () => {
            const root = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-pnp-not-"));
            try {
                const sdkIn = (dir: string) => {
                    fs.mkdirSync(path.join(dir, "@pulumi", "pulumi"), { recursive: true });
                    fs.writeFileSync(path.join(dir, "@pulumi", "pulumi", "package.json"), "{}");
                };
                // A stale resolver above a project that has its own node_modules (a monorepo moved off PnP).
                fs.writeFileSync(path.join(root, ".pnp.cjs"), "");
                const installed = path.join(root, "installed");
                sdkIn(path.join(installed, "node_modules"));
                assert.doesNotThrow(() => refuseYarnPlugAndPlay(installed, root, false));
                // The SDK through NODE_PATH, relative to the program's folder as the host's `node -e` reads it.
                const viaNodePath = path.join(root, "via-node-path");
                fs.mkdirSync(viaNodePath);
                sdkIn(path.join(root, "shared-modules"));
                const saved = process.env.NODE_PATH;
                process.env.NODE_PATH = path.join("..", "shared-modules");
                try {
                    assert.doesNotThrow(() => refuseYarnPlugAndPlay(viaNodePath, root, false));
                } finally {
                    if (saved === undefined) {
                        delete process.env.NODE_PATH;
                    } else {
                        process.env.NODE_PATH = saved;
                    }
                }
                // Started through Yarn (`yarn polyarch`: the resolver in NODE_OPTIONS), as `yarn pulumi up` would start the host.
                const bare = path.join(root, "bare");
                fs.mkdirSync(bare);
                assert.doesNotThrow(() => refuseYarnPlugAndPlay(bare, root, true));
                assert.throws(() => refuseYarnPlugAndPlay(bare, root, false), /installed with Plug'n'Play \(\.pnp\.cjs: no node_modules\)/);
            } finally {
                fs.rmSync(root, { recursive: true, force: true });
            }
        });
    });

    describe("the working directory (item 5: the CLI runs the program where getPwdMain says, run.js chdirs there)", () => {
        it("runs the program in its project folder and gives the caller its own folder back", async () => {
            const before = process.cwd();
            const report = await runGate({ projectDir: path.join(REPO, fixture("host-static-site")), stack: "dev" }).finally(() => useStack("dev"));
            assert.deepEqual(report.resources.filter((r) => r.type === "aws:s3/bucketObject:BucketObject").map((r) => r.name), ["about.html", "index.html"]);
            assert.equal(process.cwd(), before);
            // And after a program that fails.
            await assert.rejects(runGate({ projectDir: path.join(REPO, fixture("host-throwing")), stack: "dev" }).finally(() => useStack("dev")), /targetPrefix/);
            assert.equal(process.cwd(), before);
        });

        it("runs a program whose main is a folder in that folder", () => {
            const report = json(plan("--project", fixture("host-main-folder"), "--json"));
            assert.ok(report.resources.some((r) => r.name === "main-folder-banner"), "src/banner.txt was read from src/");
        });

        it("takes --project as relative to where `npm run plan` was typed (INIT_CWD)", () => {
            const result = spawnSync("npm", ["run", "-s", "plan", "--", "--project", ".", "--json"], {
                cwd: path.join(REPO, fixture("host-static-site")), encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 180_000,
            });
            assert.equal(result.status, 0, result.stderr);
            const report = json(result);
            assert.ok(report.resources.some((r) => r.urn === "urn:pulumi:dev::host-static-site::pulumi:pulumi:Stack::host-static-site-dev"),
                "--project . is the folder the command was typed in, not the one npm runs the script in");
        });
    });

    describe("the entry point and the runtime (item 6)", () => {
        it("runs a JavaScript project (index.js, no main) and names the project in the report's header", () => {
            const { status, stdout, stderr } = plan("--project", fixture("host-js-project"));
            assert.equal(status, 0, stderr);
            assert.match(stderr, /running test\/fixtures\/host-js-project\/index\.js for stack 'dev'/);
            assert.match(stdout, /^host-js-project plan — stack dev {2}\(policy config: policies\/config\/dev\.json\)$/m);
        });

        it("compiles a TypeScript project with its own tsconfig.json, as the CLI's ts-node does", () => {
            const report = json(plan("--project", fixture("host-own-tsconfig"), "--json"));
            const policy = report.resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy");
            assert.deepEqual(policy?.propertyDependencies.bucket, ["urn:pulumi:dev::host-own-tsconfig::aws:s3/bucket:Bucket::logs"],
                "the resource class's declared outputs survive construction under target es2020");
        });

        it("compiles again when a file the tsconfig.json extends changes (the compiled-file cache's key)", () => {
            const dir = fs.mkdtempSync(path.join(REPO, "test", "fixtures", "tmp-extends-"));
            try {
                fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: extends-chain\nruntime: nodejs\n");
                fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  aws:region: us-west-2\n");
                fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: "./base", compilerOptions: { module: "commonjs" } }));
                fs.writeFileSync(path.join(dir, "index.ts"), "import * as aws from \"@pulumi/aws\";\nimport path from \"path\";\n" +
                    "export const bucket = new aws.s3.Bucket(\"b\", { tags: { project: path.basename(__dirname) } }).id;\n");
                const base = (interop: boolean) => fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify({ compilerOptions: { esModuleInterop: interop } }));
                base(true);
                const first = plan("--project", dir, "--json");
                assert.equal(first.status, 0, first.stderr);
                base(false);
                const second = plan("--project", dir, "--json");
                assert.equal(second.status, 3, "without esModuleInterop the default import is undefined: compiled anew, not read from the cache");
                assert.match(said(second.stderr)[0], /Cannot read properties of undefined \(reading 'basename'\)/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("keeps what a tsconfig.json's module implies when it compiles to CommonJS (nodenext: esModuleInterop)", () => {
            const report = json(plan("--project", fixture("host-nodenext"), "--json"));
            const bucket = report.resources.find((r) => r.type === "aws:s3/bucket:Bucket") as { inputs?: Record<string, unknown> } | undefined;
            assert.deepEqual(bucket?.inputs?.tags, { project: "host-nodenext" });
        });

        it("refuses a project whose runtime is not nodejs, in one line", () => {
            const { status, stdout, stderr } = plan("--project", fixture("host-python"), "--json");
            assert.equal(status, 3);
            assert.equal(stdout, "");
            assert.equal(stderr, "error: the gate runs Node.js programs; project 'host-python' has runtime 'python'\n");
        });
    });

    it("keeps what the program prints off stdout, which is the report's (`plan --json | jq`)", () => {
        const { status, stdout, stderr } = plan("--project", fixture("host-chatty"), "--json");
        assert.equal(status, 0, stderr);
        assert.equal((JSON.parse(stdout) as { stack: string }).stack, "dev");
        assert.match(stderr, /^hello from the program$/m);
    });

    it("refuses, in one line, a program that imports another copy of @pulumi/pulumi than the gate's (its logs and internals would escape the gate)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-other-sdk-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: other-sdk\nruntime: nodejs\n");
            fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
            fs.writeFileSync(path.join(dir, "index.js"), "const pulumi = require(\"@pulumi/pulumi\");\nmodule.exports = { sdk: pulumi.version };\n");
            const sdk = path.join(dir, "node_modules", "@pulumi", "pulumi");
            fs.mkdirSync(sdk, { recursive: true });
            fs.writeFileSync(path.join(sdk, "package.json"), JSON.stringify({ name: "@pulumi/pulumi", version: "3.200.0", main: "index.js" }));
            fs.writeFileSync(path.join(sdk, "index.js"), "exports.version = \"3.200.0\";\n");
            const { status, stdout, stderr } = plan("--project", dir, "--json");
            assert.equal(status, 3, stderr);
            assert.equal(stdout, "");
            assert.equal(said(stderr).length, 1, stderr);
            assert.match(said(stderr)[0], /^error: the program's @pulumi\/pulumi \(3\.200\.0, .*other-sdk-.*\) is not the one polyarch runs it with \(3\.270\.0, .*\), so the gate cannot see all it does: install @polyarch\/cli in the project/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("a program that calls the cloud itself (issue 27: exit 3, one line)", () => {
        // Loopback's discard port refuses the connection: nothing can leave this machine.
        // (NODE_NO_WARNINGS: the AWS SDK warns on Node 20, which runs the suite on this machine only.)
        const offline = { AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1", AWS_EC2_METADATA_DISABLED: "true", NODE_NO_WARNINGS: "1" };

        it("says so in one line when the AWS SDK finds no credentials", () => {
            const { status, stdout, stderr } = planWithEnv({ ...offline, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_SESSION_TOKEN: "", AWS_PROFILE: "",
                AWS_SHARED_CREDENTIALS_FILE: "/nonexistent", AWS_CONFIG_FILE: "/nonexistent" }, "--project", fixture("host-cloud-call"), "--json");
            assert.equal(status, 3, stderr);
            assert.equal(stdout, "");
            assert.deepEqual(said(stderr).length, 1, stderr);
            assert.match(said(stderr)[0], /^error: the program calls the cloud while it runs \(AWS SDK, .*\) \(at test\/fixtures\/host-cloud-call\/index\.js:6:\d+\), which the offline gate cannot answer/);
        });

        it("says so when the call is made and its connection refused", () => {
            const { status, stderr } = planWithEnv({ ...offline, AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" },
                "--project", fixture("host-cloud-call"), "--json");
            assert.equal(status, 3, stderr);
            assert.match(said(stderr)[0], /^error: the program calls the cloud while it runs \(AWS SDK, .*ECONNREFUSED/);
        });
    });

    describe("the Node.js version (item 7)", () => {
        it("warns, without refusing, when Node.js is older than @pulumi/pulumi's engines say", () => {
            const { status, stderr } = plan("--project", fixture("host-js-project"));
            assert.equal(status, 0, stderr);
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const sdk = require("@pulumi/pulumi/package.json") as { version: string; engines: { node: string } };
            const major = Number(process.versions.node.split(".")[0]);
            const warning = `warning: Node.js ${process.versions.node} is older than @pulumi/pulumi ${sdk.version} supports (engines: node ${sdk.engines.node})`;
            if (sdk.engines.node === ">=22" && major < 22) {
                assert.ok(stderr.includes(warning), stderr);
                assert.match(stderr, /calls fs\.promises\.glob, which Node\.js 22 added, and fails without naming Node; run with Node\.js 22 or later$/m);
                assert.equal(stderr.split("\n").filter((line) => line.startsWith("warning: Node.js")).length, 1);
            } else if (major >= 22) {
                assert.ok(!stderr.includes("warning: Node.js"), stderr);
            }
        });
    });

    describe("the same report on every run (item 8)", () => {
        it("lists resources and diagnostics in program order, whatever order the registrations finish in", () => {
            const outputs = [1, 2, 3].map(() => plan("--project", fixture("host-racing-registrations"), "--json"));
            for (const output of outputs) {
                assert.equal(output.status, 1, output.stderr); // the pack flags every repository's mutable tags
                assert.equal(output.stdout, outputs[0].stdout, "every run prints the same document");
            }
            const report = JSON.parse(outputs[0].stdout) as ReturnType<typeof json>;
            const repositories = ["orders", "payments", "search", "catalog", "accounts"];
            // The index.ts creates them in this order; their names arrive in the reverse order.
            assert.deepEqual(report.resources.map((r) => r.name),
                ["host-racing-registrations-dev", "default_7_48_0", ...repositories]);
            const flagged = report.diagnostics.map((d) => d.urn.split("::").pop()).filter((name, i, all) => all.indexOf(name) === i);
            assert.deepEqual(flagged, repositories);
        });
    });
});
