import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planNodeFlags } from "../../tools/plan-node-flags";
import { REPO, plan } from "../support/plan-cli";

/**
 * The bench's floor must keep registering what the program registers: a provider package or a
 * resource type the program starts using would otherwise break `npm run bench` unnoticed.
 */
describe("the bench's floor program (bench/floor-once.ts)", function () {
    this.timeout(120_000);

    it("registers the dev stack's recorded graph through the SDK's stock mocks: as many resources as the gate reports", () => {
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-floor-"));
        try {
            const shapeFile = path.join(scratch, "shape.json");
            const usageFile = path.join(scratch, "usage.json");
            const shape = spawnSync(process.execPath, [...planNodeFlags(), "bench/graph-shape.ts", "dev", shapeFile], { cwd: REPO, encoding: "utf8" });
            assert.equal(shape.status, 0, shape.stderr);
            const entries = JSON.parse(fs.readFileSync(shapeFile, "utf8")) as { kind: string; parent: number }[];
            assert.ok(entries.some((e) => e.kind === "component") && entries.some((e) => e.kind === "provider") && entries.some((e) => e.parent >= 0),
                "components, providers and parents are all in the shape");
            const floor = spawnSync(process.execPath, [...planNodeFlags(), "bench/floor-once.ts", shapeFile, usageFile], { cwd: REPO, encoding: "utf8" });
            assert.equal(floor.status, 0, floor.stderr);
            const usage = JSON.parse(fs.readFileSync(usageFile, "utf8")) as { resources: number; rssKb: number };
            const gate = JSON.parse(plan("--json").stdout) as { resources: unknown[] };
            assert.equal(usage.resources, gate.resources.length);
            assert.ok(usage.rssKb > 0);
            // The second floor: the same program while the do-nothing pack gets the CLI's calls.
            const withPack = spawnSync(process.execPath, [...planNodeFlags(), "bench/floor-once.ts", shapeFile, usageFile, "--pack"], { cwd: REPO, encoding: "utf8" });
            assert.equal(withPack.status, 0, withPack.stderr);
            const packUsage = JSON.parse(fs.readFileSync(usageFile, "utf8")) as { resources: number; packRssKb: number };
            assert.equal(packUsage.resources, gate.resources.length);
            assert.ok(packUsage.packRssKb > 0, "the pack ran and its peak RSS was read");
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });
});
