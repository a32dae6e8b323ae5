import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { readStackFile } from "../../tools/stack-file";
import { REPO } from "../support/plan-cli";

describe("npm run plan output through a pipe", function () {
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
        const result = spawnSync("bash", ["-c", `node --max-semi-space-size=32 -r ts-node/register/transpile-only tools/plan.ts --stack ${stack} --json ` +
            `--policy-pack-config policies/config/dev.json 2>/dev/null | (sleep 2; cat)`], { cwd: REPO, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        assert.equal(result.status, 0, result.stderr);
        assert.ok(result.stdout.length > 1024 * 1024, `only ${result.stdout.length} bytes arrived`);
        const report = JSON.parse(result.stdout) as { stack: string; resources: unknown[] };
        assert.equal(report.stack, stack);
        assert.ok(report.resources.length > 800);
    });
});
