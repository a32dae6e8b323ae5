import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../support/run-infra";

const manifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, dir, "package.json"), "utf8"));

describe("the packages (platform catalog, components, policy pack)", () => {
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
        const versions = ["", "platform", "components", "policies"].map((dir) => manifest(dir).version);
        assert.equal(new Set(versions).size, 1, `versions differ: ${versions.join(", ")}`);
        for (const dir of ["platform", "components", "policies"]) {
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

    it("resolves examples/consumer's imports to the built package, as an outside project would", () => {
        const from = path.join(PROJECT_ROOT, "examples", "consumer");
        assert.equal(require.resolve("@polyarch/components", { paths: [from] }), path.join(PROJECT_ROOT, "components", "dist", "index.js"));
        assert.equal(require.resolve("@polyarch/components/platform", { paths: [from] }), path.join(PROJECT_ROOT, "components", "dist", "platform.js"));
    });
});
