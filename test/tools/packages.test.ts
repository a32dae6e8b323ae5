import { strict as assert } from "assert";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { PROJECT_ROOT } from "../support/run-infra";

const manifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, dir, "package.json"), "utf8"));

describe("the packages (platform catalog, components, policy pack, CLI)", () => {
    it("keep one platform catalog: @polyarch/platform, which the components re-export and the pack depends on, with no copy", () => {
        assert.equal(fs.existsSync(path.join(PROJECT_ROOT, "policies", "lib", "platform.ts")), false, "no generated copy in the pack");
        for (const dir of ["components", "policies"]) {
            assert.equal(manifest(dir).dependencies["@polyarch/platform"], manifest("platform").version, dir);
        }
        assert.equal(fs.readFileSync(path.join(PROJECT_ROOT, "components", "platform.ts"), "utf8").match(/^export \* from "@polyarch\/platform";$/m)?.[0],
            'export * from "@polyarch/platform";');
        assert.deepEqual(Object.keys(manifest("platform").dependencies ?? {}), [], "pure data and functions: no dependency, no Pulumi");
    });

    it("version together, each with a CHANGELOG entry for its version", () => {
        const versions = ["", "platform", "components", "policies", "cli"].map((dir) => manifest(dir).version);
        assert.equal(new Set(versions).size, 1, `versions differ: ${versions.join(", ")}`);
        for (const [dependent, dependency] of [["cli", "@polyarch/platform"], ["cli", "polyarch-policies"]]) {
            assert.equal(manifest(dependent).dependencies[dependency], versions[0], `${dependent} depends on ${dependency} at another version`);
        }
        for (const dir of ["platform", "components", "policies", "cli"]) {
            assert.match(fs.readFileSync(path.join(PROJECT_ROOT, dir, "CHANGELOG.md"), "utf8"), new RegExp(`^## ${versions[0].replace(/\./g, "\\.")}$`, "m"));
        }
    });

    it("leaves the pack no dependency that only the workspace can resolve (@polyarch/platform is published beside it)", () => {
        assert.deepEqual(Object.keys(manifest("policies").dependencies).sort(), ["@aws-sdk/client-ecr", "@polyarch/platform", "@pulumi/policy", "@pulumi/pulumi"]);
        const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? (e.name === "dist" || e.name === "node_modules" ? [] : sources(path.join(dir, e.name))) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
        const outside = sources(path.join(PROJECT_ROOT, "policies")).filter((f) => /from "(@polyarch\/(?!platform")|\.\.\/\.\.\/)/.test(fs.readFileSync(f, "utf8")));
        assert.deepEqual(outside, []);
    });

    it("leaves the CLI nothing from the stack program or the repository: every import is its own, a declared dependency or Node's", () => {
        const cli = manifest("cli");
        const declared = new Set([...Object.keys(cli.dependencies), ...Object.keys(cli.peerDependencies ?? {})]);
        const builtins = new Set(builtinModules);
        const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? files(path.join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [path.join(dir, e.name)] : []);
        const problems: string[] = [];
        for (const file of files(path.join(PROJECT_ROOT, "cli", "src"))) {
            const text = fs.readFileSync(file, "utf8");
            for (const [, request] of text.matchAll(/(?:from |require\(|import\()"([^"]+)"/g)) {
                const where = `${path.relative(PROJECT_ROOT, file)}: ${request}`;
                if (request.startsWith(".")) {
                    const target = path.resolve(path.dirname(file), request);
                    // The worker's entry reaches the repository's loader only when run from these sources.
                    if (!target.startsWith(path.join(PROJECT_ROOT, "cli") + path.sep) && !file.endsWith("pack-worker-entry.js")) {
                        problems.push(where);
                    }
                    continue;
                }
                const name = request.startsWith("@") ? request.split("/").slice(0, 2).join("/") : request.split("/")[0];
                if (!declared.has(name) && !builtins.has(name.replace(/^node:/, "")) && name !== "mdast") {
                    problems.push(where);
                }
            }
        }
        assert.deepEqual(problems, []);
    });

    it("resolves examples/consumer's imports to the built package, as an outside project would", () => {
        const from = path.join(PROJECT_ROOT, "examples", "consumer");
        assert.equal(require.resolve("@polyarch/components", { paths: [from] }), path.join(PROJECT_ROOT, "components", "dist", "index.js"));
        assert.equal(require.resolve("@polyarch/components/platform", { paths: [from] }), path.join(PROJECT_ROOT, "components", "dist", "platform.js"));
    });
});
