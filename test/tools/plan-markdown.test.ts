import { strict as assert } from "assert";
import { Token, Tokens, marked } from "marked";
import { GateReport } from "../../cli/src/policy-gate/gate";
import { renderMarkdown } from "../../cli/src/report/markdown";
import { plan } from "../support/plan-cli";

/** The text a reader sees in inline tokens (code spans, strong, escapes resolved by the parser). */
function plain(tokens: Token[] | undefined): string {
    return (tokens ?? []).map((t) => ("tokens" in t && t.tokens ? plain(t.tokens) : "text" in t ? t.text : "")).join("");
}

function parse(markdown: string) {
    const tokens = marked.lexer(markdown, { gfm: true });
    const headings = tokens.filter((t): t is Tokens.Heading => t.type === "heading").map((h) => `${"#".repeat(h.depth)} ${plain(h.tokens)}`);
    const tables = tokens.filter((t): t is Tokens.Table => t.type === "table").map((t) => ({
        header: t.header.map((c) => plain(c.tokens)),
        rows: t.rows.map((r) => r.map((c) => plain(c.tokens))),
        align: t.align,
    }));
    const lists = tokens.filter((t): t is Tokens.List => t.type === "list").map((l) => l.items.map((i) => plain(i.tokens)));
    const paragraphs = tokens.filter((t): t is Tokens.Paragraph => t.type === "paragraph").map((p) => plain(p.tokens));
    return { headings, tables, lists, paragraphs };
}

/**
 * `npm run plan -- --markdown` (the pull request's summary), read back by a Markdown parser that
 * is not the one that wrote it (marked, GFM): what a reader of the job summary or the comment sees.
 */
describe("npm run plan -- --markdown", function () {
    this.timeout(180_000);

    it("is one document with the stack, the verdict, the service table with cost, the diagnostics by level and the totals", () => {
        const md = plan("--stack", "dev", "--markdown");
        assert.equal(md.status, 0, md.stderr);
        const json = plan("--stack", "dev", "--json");
        const report = JSON.parse(json.stdout);
        const doc = parse(md.stdout);
        assert.deepEqual(doc.headings, ["## polyarch plan — stack dev", "### Services", "### Advisory (6)", "### Cost"]);
        assert.match(doc.paragraphs[0], /^PASS: 0 mandatory, 6 advisory diagnostic\(s\) over 75 resources \(policy config: policies\/config\/dev\.json\)$/);

        const [services, totals] = doc.tables;
        assert.deepEqual(services.header, ["Service", "Architecture", "Runs on", "Verdict", "Monthly", "Available saving"]);
        assert.equal(services.align[4], "right");
        const byName = new Map(services.rows.map((r) => [r[0], r]));
        assert.deepEqual([...byName.keys()], ["thumbnails", "storefront", "storefront-legacy", "catalog-api"]);
        for (const cost of report.cost.services) {
            const row = byName.get(cost.service);
            assert.ok(row, cost.service);
            assert.equal(row[4], cost.monthly === undefined ? "-" : `$${cost.monthly.toFixed(2)}`, `${cost.service}: the Markdown's figure is the JSON's`);
            assert.equal(row[3], "ok");
        }
        assert.match(byName.get("storefront-legacy")?.[5] ?? "", /^\$\d+\.\d{2} \(\d+(\.\d)?%\) available on ecs-express$/);
        assert.match(byName.get("thumbnails")?.[5] ?? "", /^\$\d+\.\d{2} \(\d+(\.\d)?% of x86_64\) saved$/);

        const advisories = doc.lists.find((l) => l.some((item) => item.startsWith("ecr-immutable-tags")));
        assert.ok(advisories);
        assert.deepEqual(advisories, report.diagnostics.map((d: { policy: string; message: string; urn: string }) => `${d.policy} ${d.message} ${d.urn}`),
            "each diagnostic with its fix, exactly as the JSON has it (escapes resolved)");

        assert.deepEqual(totals.header, ["Stack", "Monthly"]);
        assert.deepEqual(totals.rows, [
            ["Today", `$${report.cost.total.toFixed(2)}`],
            ["All on x86_64", `$${report.cost.totalIfAllX86.toFixed(2)}`],
            ["All on arm64 where it can run", `$${report.cost.totalIfAllArm64.toFixed(2)}`],
        ]);
        // dev's node group has no us-west-2 price in the table: named, and out of the totals.
        assert.ok(doc.paragraphs.includes("Not counted, not priced: catalog-api, node group graviton-nodes."), doc.paragraphs.join("\n"));
        assert.equal(md.stderr.includes("\u001b["), false, "no progress line drawn around a document");
    });

    it("says FAIL with the mandatory diagnostics first when the gate fails", () => {
        const md = plan("--project", "test/fixtures/mismatch-project", "--stack", "mismatch", "--policy-pack-config", "policies/config/prod.json", "--markdown");
        assert.equal(md.status, 1);
        const doc = parse(md.stdout);
        assert.match(doc.paragraphs[0], /^FAIL: 1 mandatory/);
        assert.equal(doc.headings[2], "### Mandatory (1)");
        assert.match(doc.lists.flat().join("\n"), /^lambda-architecture-matches-image Lambda function 'app' runs arm64/m);
    });

    it("refuses --markdown with --json, exit 2", () => {
        const both = plan("--markdown", "--json");
        assert.equal(both.status, 2);
        assert.match(both.stderr, /^error: --json and --markdown each print the whole report; choose one\n/);
    });

    it("escapes what names and messages hold, so the parser reads back exactly the text", async () => {
        const nasty = "a|b *c* `d` <em>e</em> _f_ [g](h) \\ i";
        const report: GateReport = {
            project: "shop|app", stack: "dev", view: "preview", resources: [], remediations: [], configSource: "x", usedPackDefaults: false,
            notices: [nasty], warnings: [],
            services: [{ service: nasty, urn: "urn:x", target: "Lambda function", imagePlatform: "linux/arm64", computeArchitecture: "arm64",
                runsOn: "Lambda", verdict: "mandatory" }],
            diagnostics: [{ policy: "p|q", urn: "urn:pulumi:dev::shop::t::n`1", level: "mandatory", message: nasty }],
        };
        const doc = parse(await renderMarkdown(report));
        assert.equal(doc.headings[0], "## shop|app plan — stack dev");
        assert.equal(doc.tables[0].rows[0][0], nasty);
        assert.equal(doc.tables[0].rows[0].length, 6, "a | in a cell does not split it");
        assert.deepEqual(doc.lists[0], [`notice: ${nasty}`]);
        assert.deepEqual(doc.lists[1], [`p|q ${nasty} urn:pulumi:dev::shop::t::n\`1`]);
    });
});
