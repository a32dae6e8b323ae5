/**
 * The packages as users get them: `npm pack` both, install the tarballs into a fresh project
 * outside the repository (no workspace, no symlink), and use them there — a JavaScript program, a
 * TypeScript program run the way Pulumi runs one (ts-node, default options), and the installed
 * policy pack started by the installed @pulumi/pulumi's run-policy-pack. Needs the npm registry.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyPackProcess } from "../../tools/policy-gate/analyzer-client";
import { GraphBuilder } from "../support/graph";

const REPO = path.resolve(__dirname, "..", "..");
const PINNED = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

function npm(args: string[], cwd: string): string {
    const result = spawnSync("npm", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    assert.equal(result.status, 0, `npm ${args.join(" ")} failed:\n${result.stderr}`);
    return result.stdout;
}

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
        npm(["run", "build", "--workspaces"], REPO);
        project = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-outside-"));
        const tarballs = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-tarballs-"));
        const packed = JSON.parse(npm(["pack", "--json", "-w", "platform", "-w", "components", "-w", "policies", "--pack-destination", tarballs], REPO)) as { filename: string }[];
        const tarball = (prefix: string) => path.join(tarballs, packed.map((p) => p.filename).find((f) => f.startsWith(prefix)) as string);
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({
            name: "outside-project",
            private: true,
            dependencies: {
                // The packages' own dependency on it ("0.2.0") is met by this one, as by npm's once it is published.
                "@polyarch/platform": `file:${tarball("polyarch-platform-")}`,
                "@polyarch/components": `file:${tarball("polyarch-components-")}`,
                "polyarch-policies": `file:${tarball("polyarch-policies-")}`,
                "@pulumi/pulumi": PINNED.dependencies["@pulumi/pulumi"],
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
        const pack = packedFiles("policies");
        assert.ok(pack.includes("dist/index.js") && pack.includes("PulumiPolicy.yaml") && pack.includes("config/prod.json"));
        assert.deepEqual(pack.filter((f) => (/\.ts$/.test(f) && !f.endsWith(".d.ts")) || /test/.test(f)), []);
    });

    it("is a real install: files, not links into the repository, and no workspace dependency", () => {
        for (const dir of ["@polyarch/platform", "@polyarch/components", "polyarch-policies"]) {
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
});
