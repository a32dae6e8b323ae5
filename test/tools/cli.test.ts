import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../support/plan-cli";

/** `polyarch` itself, from the sources as `npm run polyarch --` runs it: its help, version, and refusals. */
describe("the polyarch command", function () {
    this.timeout(120_000);
    const polyarch = (...args: string[]) => {
        const result = spawnSync(process.execPath, ["-r", "./tools/register-cached-ts.js", "cli/src/main.ts", ...args], {
            cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" },
        });
        return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    };

    it("lists its commands with --help, as `pulumi --help` lays them out, and each command's help with `help <command>`", () => {
        const help = polyarch("--help");
        assert.equal(help.status, 0, help.stderr);
        assert.match(help.stdout, /^Usage:\n {2}polyarch \[command\]\n\nAvailable Commands:\n {2}plan {12}Run a project's program offline/m);
        assert.match(help.stdout, /^ {2}audit {11}\S/m);
        assert.match(help.stdout, /^ {2}verify-images {3}\S/m);
        assert.match(help.stdout, /^Use "polyarch \[command\] --help" for more information about a command\.$/m);
        const planHelp = polyarch("help", "plan");
        assert.equal(planHelp.status, 0);
        assert.equal(planHelp.stdout, polyarch("plan", "--help").stdout);
        assert.match(planHelp.stdout, /^ {6}--policy-pack DIR {11}run this policy pack instead of the bundled one; `polyarch` names the bundled pack \(repeatable\)$/m);
        assert.match(planHelp.stdout, /^ {2}3 {3}the program failed or cannot run here/m);
    });

    it("prints its package's version", () => {
        const version = polyarch("--version");
        assert.equal(version.status, 0);
        assert.equal(version.stdout, `${(JSON.parse(fs.readFileSync(path.join(REPO, "cli", "package.json"), "utf8")) as { version: string }).version}\n`);
    });

    it("answers an unknown command or flag with exit 2 and the nearest, and no command with its help on stderr", () => {
        const typo = polyarch("plna");
        assert.equal(typo.status, 2);
        assert.equal(typo.stderr, "error: unknown command 'plna'; did you mean 'plan'?\nRun 'polyarch --help' for usage.\n");
        const flag = polyarch("audit", "x.json", "--jsn");
        assert.equal(flag.status, 2);
        assert.match(flag.stderr, /^error: unknown argument '--jsn'; did you mean '--json'\?\nusage: polyarch audit FILE \[flags\]\n/);
        const none = polyarch();
        assert.equal(none.status, 2);
        assert.equal(none.stdout, "");
        assert.match(none.stderr, /^Usage:$/m);
    });

    it("verify-images says a stack that does not exist in one line, exit 2, before installing any tool", () => {
        const run = polyarch("verify-images", "--stacks", "nope");
        assert.equal(run.status, 2, run.stderr);
        assert.match(run.stderr, /^error: --stack: no stack 'nope': Pulumi\.nope\.yaml does not exist/);
        assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    });
});
