/**
 * Issue 28, item 3: which inputs the AWS provider defaults (its Check fills them in before the engine
 * analyzes) and which AWS computes (unknown during a preview), from the installed @pulumi/aws SDK,
 * generated at the pinned version; and a zip Lambda, as most programs write one, never judged as an image.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { generateSchemaTable } from "../../tools/engine/generate-provider-schema";
import { SCHEMA_TABLE, schemaFacts, withProviderDefaults } from "../../cli/src/engine/provider-schema";
import { REPO, plan } from "../support/plan-cli";

describe("provider defaults and computed inputs, from the @pulumi/aws SDK", function () {
    this.timeout(120_000);

    it("the committed table is what the installed SDK declares (`npm run providers:schema` after an upgrade)", () => {
        assert.deepEqual(JSON.parse(fs.readFileSync(SCHEMA_TABLE, "utf8")), generateSchemaTable());
    });

    it("reads a Lambda's packageType as a Check default (Zip) and its architectures as computed by AWS", () => {
        const lambda = schemaFacts("aws:lambda/function:Function");
        assert.equal(lambda?.defaults.packageType, "Zip");
        assert.ok(lambda?.computed.includes("architectures"));
        assert.ok(!("architectures" in (lambda?.defaults ?? {})));
    });

    it("fills in only what the program left unset", () => {
        const type = "aws:lambda/function:Function";
        assert.equal(withProviderDefaults(type, {}).packageType, "Zip");
        assert.equal(withProviderDefaults(type, { packageType: "Image" }).packageType, "Image");
        assert.deepEqual(withProviderDefaults("kubernetes:apps/v1:Deployment", { a: 1 }), { a: 1 });
    });

    it("gates a zip Lambda with no packageType or architectures, in a stack with no policy config, with no diagnostic", () => {
        const result = plan("--project", path.join(REPO, "test", "fixtures", "zip-lambda-project"), "--stack", "staging", "--json");
        assert.equal(result.status, 0, result.stderr);
        const report = JSON.parse(result.stdout) as { resources: { type: string; inputs: Record<string, unknown> }[]; diagnostics: unknown[] };
        assert.deepEqual(report.diagnostics, []);
        const fn = report.resources.find((r) => r.type === "aws:lambda/function:Function");
        assert.equal(fn?.inputs.packageType, "Zip", "the analyzed inputs carry the provider's default, as after Check");
    });
});
