import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO, plan } from "../support/plan-cli";

interface CorpusCase {
    project: string;
    stack: string;
    exit: number;
    /** Every diagnostic as [policy, level, resource name]; null when the gate must not report at all. */
    findings: [string, string, string][] | null;
    stderr?: string[];
    node?: number;
}

const CASES = (JSON.parse(fs.readFileSync(path.join(REPO, "test", "corpus", "cases.json"), "utf8")) as { cases: CorpusCase[] }).cases;

/**
 * The corpus (issue 28): program shapes written the way other people write them, each run through
 * `npm run plan -- --json` as a user runs it, with its exit code and every finding, so a false
 * positive fails as surely as a missed one.
 */
describe("the gate on the corpus of program shapes (test/corpus/cases.json)", function () {
    this.timeout(300_000);
    const nodeMajor = Number(process.versions.node.split(".")[0]);

    for (const c of CASES) {
        it(`${c.project} (${c.stack}): exit ${c.exit}, ${c.findings === null ? "no report" : `${c.findings.length} finding(s)`}`, function () {
            if (c.node !== undefined && nodeMajor < c.node) {
                // CI runs the suite on Node.js 22 and 24 as well (.ci/run), where this case runs.
                this.skip();
            }
            const result = plan("--project", c.project, "--stack", c.stack, "--json");
            for (const expected of c.stderr ?? []) {
                assert.ok(result.stderr.includes(expected), `stderr lacks ${JSON.stringify(expected)}:\n${result.stderr}`);
            }
            assert.equal(result.status, c.exit, result.stderr);
            if (c.findings === null) {
                assert.equal(result.stdout, "");
                return;
            }
            const report = JSON.parse(result.stdout) as { diagnostics: { policy: string; level: string; urn: string }[] };
            const found = report.diagnostics.map((d) => [d.policy, d.level, d.urn.split("::").pop()]);
            assert.deepEqual(found, c.findings);
        });
    }
});
