import { strict as assert } from "assert";
import * as path from "path";
import { PolicyPackProcess } from "../../cli/src/policy-gate/analyzer-client";

const FIXTURE = path.join(__dirname, "..", "fixtures", "partial-analyzer");

/** The client against a pack that lacks methods (test/fixtures/partial-analyzer), as the engine meets older packs. */
describe("policy pack client: methods a pack does not implement", () => {
    let pack: PolicyPackProcess;
    before(async () => {
        pack = await PolicyPackProcess.start(FIXTURE, undefined, path.join(FIXTURE, "launcher.js"));
    });
    after(() => pack.close());

    const resource = {
        urn: "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket", name: "b",
        properties: {}, protect: false, parent: "", dependencies: [], propertyDependencies: {},
    };

    it("goes on without ConfigureStack and Remediate (UNIMPLEMENTED), as the engine does", async () => {
        await pack.configureStack({ stack: "dev", project: "p", organization: "", dryRun: true, tags: {}, config: {}, configSecretKeys: [] });
        assert.deepEqual(await pack.remediate(resource), []);
        assert.deepEqual((await pack.analyze(resource)).map((d) => [d.policy, d.message, d.urn]), [["seen", "aws:s3/bucket:Bucket", resource.urn]]);
    });

    it("reports any other failure with its gRPC status", async () => {
        await assert.rejects(pack.configure({}), { message: "9 FAILED_PRECONDITION: configure refused", code: 9 });
        assert.equal((await pack.getAnalyzerInfo()).name, "partial");
    });
});
