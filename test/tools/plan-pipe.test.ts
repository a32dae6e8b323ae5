import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { readStackFile } from "../../cli/src/stack-file";
import { planNodeFlags } from "../../tools/plan-node-flags";
import { REPO } from "../support/plan-cli";

describe("npm run plan output through a pipe and on a terminal", function () {
    this.timeout(180_000);
    const stack = "zz-test-pipe";
    const file = path.join(REPO, `Pulumi.${stack}.yaml`);

    before(() => {
        // The dev stack plus 100 Lambda services: a report of well over 1 MB.
        const config: Record<string, unknown> = Object.fromEntries(Object.entries(readStackFile(REPO, "dev").config).map(([k, v]) => {
            try { return [k, JSON.parse(v)]; } catch { return [k, v]; }
        }));
        config["polyarch:profile"] = "dev";
        const services = config["polyarch:services"] as Record<string, unknown>[];
        for (let i = 0; i < 100; i++) {
            services.push({ name: `pipe-fn-${i}`, target: "lambda", context: "services/thumbnails" });
        }
        fs.writeFileSync(file, stringify({ config }));
    });
    after(() => fs.rmSync(file, { force: true }));

    it("delivers the whole --json report to a reader that is not ready at once (no 64 KiB cut)", () => {
        // A real pipe whose reader starts late, as `npm run plan -- --json | jq` under load does.
        const result = spawnSync("bash", ["-c", `node ${planNodeFlags().join(" ")} cli/src/main.ts plan --stack ${stack} --json ` +
            `--policy-pack-config policies/config/dev.json 2>/dev/null | (sleep 2; cat)`], { cwd: REPO, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        assert.equal(result.status, 0, result.stderr);
        assert.ok(result.stdout.length > 1024 * 1024, `only ${result.stdout.length} bytes arrived`);
        const report = JSON.parse(result.stdout) as { stack: string; resources: unknown[] };
        assert.equal(report.stack, stack);
        assert.ok(report.resources.length > 800);
    });

    const planCommand = (...args: string[]) =>
        ["node", ...planNodeFlags(), "cli/src/main.ts", "plan", "--stack", stack, "--policy-pack-config", "policies/config/dev.json", ...args].join(" ");
    /** Runs the plan with a pseudo-terminal as stdout and stderr (util-linux `script`): what a user at a terminal sees. */
    const onTerminal = (...args: string[]) => spawnSync("script", ["-qec", planCommand(...args), "/dev/null"],
        { cwd: REPO, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TERM: "xterm" } });
    const statusLine = /\r\u001b\[Kregistered [\d,]+ resources · analyzed [\d,]+/;

    it("shows registrations and verdicts on a terminal, then erases the line before the report", () => {
        const result = onTerminal();
        assert.ifError(result.error); // util-linux `script` (Debian's essential bsdutils) gives the pseudo-terminal
        assert.equal(result.status, 0, result.stdout);
        assert.match(result.stdout, statusLine);
        assert.match(result.stdout, /registered 1,275 resources · analyzed 1,275/, "the last redraw counts every resource");
        // Erased before the report: the report's first line starts clean at column 0.
        assert.match(result.stdout, /\r\u001b\[K(\u001b\[\d+m)*polyarch plan — stack zz-test-pipe/);
    });

    it("shows nothing extra on a pipe, or with --json on a terminal", () => {
        const piped = spawnSync("bash", ["-c", planCommand()], { cwd: REPO, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        assert.equal(piped.status, 0, piped.stderr);
        assert.doesNotMatch(piped.stderr, /registered|\r/);
        assert.match(piped.stderr, /^starting the policy pack and running infra\/index\.ts for stack 'zz-test-pipe' \(preview\)…\nanalyzing 1275 resources…\n/);
        const json = onTerminal("--json");
        assert.equal(json.status, 0, json.stdout);
        assert.doesNotMatch(json.stdout, /registered|\u001b\[K/);
    });
});
