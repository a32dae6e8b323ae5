/**
 * The packages as users get them: `npm pack` all four, install the tarballs into a fresh project
 * outside the repository (no workspace, no symlink), and use them there: the components from a
 * JavaScript and a TypeScript program (ts-node, default options), the installed policy pack
 * started by the installed @pulumi/pulumi's run-policy-pack, and the installed `polyarch` command
 * planning Pulumi projects that never heard of polyarch (TypeScript with its own tsconfig.json,
 * JavaScript with `main` a folder), auditing a state file, and answering `--help`. Needs the npm
 * registry.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyPackProcess } from "../../cli/src/policy-gate/analyzer-client";
import { GraphBuilder } from "../support/graph";
import { assertMismatchFound, said, write, writeMismatchedTypeScriptProject } from "./foreign-project";
import { COMPONENT_PINS, PINNED, REPO, npm, tarballs } from "./tarballs";

/** `npm pack --dry-run --json` for a workspace: the files its tarball would hold. */
function packedFiles(workspace: string): string[] {
    const [report] = JSON.parse(npm(["pack", "--dry-run", "--json", "-w", workspace], REPO)) as { files: { path: string }[] }[];
    return report.files.map((f) => f.path).sort();
}

/** The program both consumers run: a Lambda from a ServiceImage, under the SDK's mocks. */
const PROGRAM = (imports: string) => `${imports}
const registered: { type: string; inputs: Record<string, any> }[] = [];
pulumi.runtime.setMocks({
    newResource: (args) => {
        registered.push({ type: args.type, inputs: args.inputs });
        const account = "123456789012";
        return { id: args.name + "-id", state: { ...args.inputs, repositoryUrl: account + ".dkr.ecr.us-west-2.amazonaws.com/app",
            arn: "arn:aws:ecr:us-west-2:" + account + ":repository/app", registryId: account, digest: "sha256:" + "a".repeat(64) } };
    },
    call: (args) => ({ ...args.inputs, proxyEndpoint: "https://registry", userName: "AWS", password: "p", partition: "aws", region: "us-west-2" }),
}, "consumer", "dev", false);
const arch = catalog.defaultArchitecture("lambda");
const repository = new components.ServiceRepository("app", { allowLambdaPull: true });
const image = new components.ServiceImage("app", { repository, context: "app", architecture: arch, forLambda: true });
new components.LambdaService("app", { image, pullPermission: [repository] });
setTimeout(() => {
    const find = (type: string) => registered.find((r) => r.type === type)?.inputs ?? {};
    console.log(JSON.stringify({ arch, platform: catalog.dockerPlatform(arch), image: find("docker-build:index:Image").platforms,
        fn: find("aws:lambda/function:Function").architectures, packageType: find("aws:lambda/function:Function").packageType }));
}, 1500);
`;

describe("packaging: the tarballs installed outside the repository", function () {
    let project: string;
    before(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-outside-"));
        const tarball = tarballs();
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({
            name: "outside-project",
            private: true,
            dependencies: {
                // The packages' own dependency on it ("0.2.0") is met by this one, as by npm's once it is published.
                "@polyarch/platform": `file:${tarball["@polyarch/platform"]}`,
                "@polyarch/components": `file:${tarball["@polyarch/components"]}`,
                "polyarch-policies": `file:${tarball["polyarch-policies"]}`,
                "@polyarch/cli": `file:${tarball["@polyarch/cli"]}`,
                "@pulumi/pulumi": PINNED.dependencies["@pulumi/pulumi"],
                // What the foreign projects below use, as they would pin them.
                "@pulumi/aws": COMPONENT_PINS["@pulumi/aws"],
                "@pulumi/docker-build": COMPONENT_PINS["@pulumi/docker-build"],
                "ts-node": PINNED.devDependencies["ts-node"],
                typescript: PINNED.devDependencies.typescript,
                "@types/node": PINNED.devDependencies["@types/node"],
            },
        }, null, 2));
        fs.mkdirSync(path.join(project, "app"));
        fs.writeFileSync(path.join(project, "app", "Dockerfile"), "FROM scratch\n");
        npm(["install", "--no-audit", "--no-fund", "--install-links"], project);
    });
    after(() => fs.rmSync(project, { recursive: true, force: true }));

    it("ships only what runs: built JavaScript, declarations and maps, no sources or tests", () => {
        const components = packedFiles("components");
        assert.ok(components.includes("dist/index.js") && components.includes("dist/index.d.ts") && components.includes("dist/platform.js"));
        assert.deepEqual(components.filter((f) => !/^dist\/.*\.(js|d\.ts|js\.map)$/.test(f) && !["package.json", "CHANGELOG.md"].includes(f)), []);
        const platform = packedFiles("platform");
        assert.ok(platform.includes("dist/index.js") && platform.includes("dist/index.d.ts") && platform.includes("dist/prices.js"));
        assert.deepEqual(platform.filter((f) => !/^dist\/.*\.(js|d\.ts|js\.map)$/.test(f) && !["package.json", "CHANGELOG.md"].includes(f)), []);
        const cli = packedFiles("cli");
        assert.ok(cli.includes("bin/polyarch.js") && cli.includes("dist/main.js") && cli.includes("dist/engine/aws-provider-schema.json"));
        assert.deepEqual(cli.filter((f) => !/^(bin\/[^/]+\.js|dist\/.*\.(js|js\.map|json))$/.test(f) && !["package.json", "CHANGELOG.md"].includes(f)), []);
        const pack = packedFiles("policies");
        assert.ok(pack.includes("dist/index.js") && pack.includes("PulumiPolicy.yaml") && pack.includes("config/prod.json"));
        assert.deepEqual(pack.filter((f) => (/\.ts$/.test(f) && !f.endsWith(".d.ts")) || /test/.test(f)), []);
    });

    it("is a real install: files, not links into the repository, and no workspace dependency", () => {
        for (const dir of ["@polyarch/platform", "@polyarch/components", "polyarch-policies", "@polyarch/cli"]) {
            assert.ok(!fs.lstatSync(path.join(project, "node_modules", dir)).isSymbolicLink(), dir);
        }
        const packManifest = JSON.parse(fs.readFileSync(path.join(project, "node_modules/polyarch-policies/package.json"), "utf8"));
        assert.deepEqual(Object.keys(packManifest.dependencies).sort(), ["@aws-sdk/client-ecr", "@polyarch/platform", "@pulumi/policy", "@pulumi/pulumi"]);
        // One catalog in the install: the pack and the components resolve the same @polyarch/platform.
        const resolved = ["@polyarch/components", "polyarch-policies"].map((from) =>
            require.resolve("@polyarch/platform", { paths: [path.join(project, "node_modules", from)] }));
        assert.deepEqual(resolved, [path.join(project, "node_modules", "@polyarch", "platform", "dist", "index.js"), path.join(project, "node_modules", "@polyarch", "platform", "dist", "index.js")]);
    });

    it("runs a JavaScript program with ServiceImage, LambdaService and the catalog", () => {
        const program = path.join(project, "program.js");
        fs.writeFileSync(program, PROGRAM(`const pulumi = require("@pulumi/pulumi");
const components = require("@polyarch/components");
const catalog = require("@polyarch/components/platform");`).replace(/: \{ type: string; inputs: Record<string, any> \}\[\]/, "").replace(/\(type: string\)/, "(type)"));
        const result = spawnSync(process.execPath, [program], { cwd: project, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), { arch: "arm64", platform: "linux/arm64", image: ["linux/arm64"], fn: ["arm64"], packageType: "Image" });
    });

    it("runs a TypeScript program under ts-node with its default options (type-checked against the shipped declarations)", () => {
        const program = path.join(project, "program.ts");
        fs.writeFileSync(program, PROGRAM(`import * as pulumi from "@pulumi/pulumi";
import * as components from "@polyarch/components";
import * as catalog from "@polyarch/components/platform";`));
        // As Pulumi's nodejs host does: register ts-node (default options, type-checking on), then require the program.
        const result = spawnSync(process.execPath, ["-e", `require("ts-node").register(); require(${JSON.stringify(program)});`], { cwd: project, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), { arch: "arm64", platform: "linux/arm64", image: ["linux/arm64"], fn: ["arm64"], packageType: "Image" });
    });

    it("starts the installed pack with the installed run-policy-pack; it names its rules and refuses a mismatch", async () => {
        const launcher = path.join(project, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
        const pack = await PolicyPackProcess.start(path.join(project, "node_modules", "polyarch-policies"), undefined, launcher);
        try {
            const info = await pack.getAnalyzerInfo();
            assert.equal(info.name, "polyarch");
            assert.ok(info.policies.some((p) => p.name === "lambda-architecture-matches-image"));
            const g = new GraphBuilder();
            g.lambda("fn", g.image("img", ["linux/arm64"]), { architectures: ["x86_64"] });
            const diagnostics = await pack.analyzeStack(g.resources);
            const mismatch = diagnostics.find((d) => d.policy === "lambda-architecture-matches-image");
            assert.match(mismatch?.message ?? "", /x86_64/);
        } finally {
            await pack.close();
        }
    });

    describe("the installed `polyarch` command, on projects that never used polyarch", () => {
        /** Runs the installed bin as npx would, from `cwd`, with the Node.js running this suite. */
        const polyarch = (cwd: string, ...args: string[]) => {
            const bin = path.join(project, "node_modules", ".bin", "polyarch");
            const result = spawnSync(process.execPath, [fs.realpathSync(bin), ...args], {
                cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", AWS_EC2_METADATA_DISABLED: "true" }, timeout: 300_000,
            });
            return { status: result.status, stdout: result.stdout, stderr: result.stderr };
        };

        it("is the package's bin, a file of the install", () => {
            const bin = fs.realpathSync(path.join(project, "node_modules", ".bin", "polyarch"));
            assert.equal(bin, path.join(fs.realpathSync(project), "node_modules", "@polyarch", "cli", "bin", "polyarch.js"));
        });

        it("answers --help for itself and each command, and an unknown flag with exit 2 and the nearest", () => {
            const root = polyarch(project, "--help");
            assert.equal(root.status, 0, root.stderr);
            for (const command of ["plan", "audit", "verify-images"]) {
                assert.match(root.stdout, new RegExp(`^ {2}${command} +\\S`, "m"), command);
                const help = polyarch(project, command, "--help");
                assert.equal(help.status, 0, help.stderr);
                assert.match(help.stdout, new RegExp(`^Usage:\\n {2}polyarch ${command} `, "m"));
                assert.match(help.stdout, /^Flags:$/m);
                assert.match(help.stdout, /^Exit codes:\n {2}0 /m);
            }
            const typo = polyarch(project, "plan", "--stak", "dev");
            assert.equal(typo.status, 2);
            assert.equal(typo.stdout, "");
            assert.match(typo.stderr, /^error: unknown argument '--stak'; did you mean '--stack'\?\nusage: polyarch plan \[flags\]\n/);
        });

        it("plans a TypeScript project with its own tsconfig.json and a mismatched Lambda: exit 1, the rule named", () => {
            const app = path.join(project, "ts-app");
            writeMismatchedTypeScriptProject(app);
            const run = polyarch(app, "plan", "--json");
            assertMismatchFound(app, run);
            assert.deepEqual(said(run.stderr), [], run.stderr);
            // The terminal report names the rule too.
            const human = polyarch(app, "plan");
            assert.equal(human.status, 1);
            assert.match(human.stdout, /^ {2}• \[lambda-architecture-matches-image\] /m);
            assert.match(human.stdout, /^FAIL: /m);
        });

        it("plans a JavaScript project whose main is a folder, passing other packages' config through", () => {
            const app = path.join(project, "js-app");
            write(path.join(app, "Pulumi.yaml"), "name: js-app\nruntime: nodejs\nmain: src/\n");
            write(path.join(app, "Pulumi.prod.yaml"), "config:\n  aws:region: us-east-1\n  js-app:memory: \"1024\"\n  shared:team: search\n");
            write(path.join(app, "Pulumi.dev.yaml"), "config:\n  aws:region: us-east-1\n  js-app:memory: \"512\"\n  shared:team: search\n");
            write(path.join(app, "package.json"), JSON.stringify({ name: "js-app" }));
            write(path.join(app, "src", "app", "Dockerfile"), "FROM public.ecr.aws/lambda/nodejs:22\nCMD [\"index.handler\"]\n");
            write(path.join(app, "src", "index.js"), `"use strict";
const aws = require("@pulumi/aws");
const dockerbuild = require("@pulumi/docker-build");
const pulumi = require("@pulumi/pulumi");

// What the bundled pack's hygiene rules ask of a repository and a function, so the plan passes.
const repo = new aws.ecr.Repository("search", {
    imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:us-east-1:123456789012:key/k" }],
});
const image = new dockerbuild.Image("search", {
    context: { location: "./app" }, platforms: ["linux/arm64"], push: true, tags: [pulumi.interpolate\`\${repo.repositoryUrl}:v1\`],
});
const role = new aws.iam.Role("search", {
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
});
new aws.lambda.Function("search", {
    packageType: "Image", imageUri: pulumi.interpolate\`\${repo.repositoryUrl}@\${image.digest}\`, architectures: ["arm64"], role: role.arn,
    tracingConfig: { mode: "Active" },
    memorySize: new pulumi.Config().requireNumber("memory"),
    description: "owned by " + new pulumi.Config("shared").require("team"),
});
`);
            const run = polyarch(app, "plan", "--stack", "prod", "--json");
            assert.equal(run.status, 0, run.stderr);
            assert.deepEqual(said(run.stderr), [], run.stderr);
            const report = JSON.parse(run.stdout) as { stack: string; diagnostics: { level: string }[]; resources: { type: string; inputs: Record<string, unknown> }[] };
            assert.deepEqual(report.diagnostics.filter((d) => d.level === "mandatory"), []);
            assert.equal(report.stack, "prod");
            const fn = report.resources.find((r) => r.type === "aws:lambda/function:Function");
            assert.equal(fn?.inputs.memorySize, 1024);
            assert.equal(fn?.inputs.description, "owned by search");
            const human = polyarch(app, "plan", "--stack", "prod");
            assert.match(human.stdout, /^search +Lambda function +linux\/arm64 +arm64 +Lambda +ok$/m);
        });

        it("says in one line, exit 3, that it runs Node.js programs only", () => {
            const app = path.join(project, "py-app");
            write(path.join(app, "Pulumi.yaml"), "name: py-app\nruntime: python\n");
            write(path.join(app, "Pulumi.dev.yaml"), "config: {}\n");
            const run = polyarch(app, "plan");
            assert.equal(run.status, 3);
            assert.equal(run.stderr, "error: the gate runs Node.js programs; project 'py-app' has runtime 'python'\n");
        });

        it("audits a state file (`pulumi stack export`) with the bundled pack", () => {
            const digest = `sha256:${"1".repeat(64)}`;
            const state = path.join(project, "shop-production.json");
            fs.writeFileSync(state, fs.readFileSync(path.join(REPO, "test", "fixtures", "states", "foreign-shop.template.json"), "utf8").replace(/\{\{[a-z]+\}\}/g, digest));
            const run = polyarch(project, "audit", "shop-production.json", "--json");
            assert.equal(run.status, 1, run.stderr);
            const report = JSON.parse(run.stdout) as { stack: string; diagnostics: { policy: string; urn: string }[] };
            assert.equal(report.stack, "production");
            assert.deepEqual(report.diagnostics.filter((d) => d.policy === "architecture-verifiable").map((d) => d.urn.split("::").pop()), ["orders", "billing", "web"]);
        });
    });
});
