import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CATALOG_COPY, catalogCopyText } from "../../tools/sync-catalog";
import { PROJECT_ROOT } from "../support/run-infra";

const manifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, dir, "package.json"), "utf8"));

describe("the two packages (components, policy pack)", () => {
    it("carries the platform catalog in the pack byte for byte (run `npm run catalog:sync` after changing it)", () => {
        assert.equal(fs.readFileSync(CATALOG_COPY, "utf8"), catalogCopyText());
    });

    it("version together, each with a CHANGELOG entry for its version", () => {
        const versions = ["", "components", "policies"].map((dir) => manifest(dir).version);
        assert.equal(new Set(versions).size, 1, `versions differ: ${versions.join(", ")}`);
        for (const dir of ["components", "policies"]) {
            assert.match(fs.readFileSync(path.join(PROJECT_ROOT, dir, "CHANGELOG.md"), "utf8"), new RegExp(`^## ${versions[0].replace(/\./g, "\\.")}$`, "m"));
        }
    });

    it("leaves the pack no dependency that only the workspace can resolve", () => {
        assert.deepEqual(Object.keys(manifest("policies").dependencies).sort(), ["@aws-sdk/client-ecr", "@pulumi/policy", "@pulumi/pulumi"]);
        const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? (e.name === "dist" || e.name === "node_modules" ? [] : sources(path.join(dir, e.name))) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
        const outside = sources(path.join(PROJECT_ROOT, "policies")).filter((f) => /from "(@polyarch\/|\.\.\/\.\.\/)/.test(fs.readFileSync(f, "utf8")));
        assert.deepEqual(outside, []);
    });

    it("resolves examples/consumer's imports to the built package, as an outside project would", () => {
        const from = path.join(PROJECT_ROOT, "examples", "consumer");
        assert.equal(require.resolve("@polyarch/components", { paths: [from] }), path.join(PROJECT_ROOT, "components", "dist", "index.js"));
        assert.equal(require.resolve("@polyarch/components/platform", { paths: [from] }), path.join(PROJECT_ROOT, "components", "dist", "platform.js"));
    });
});
