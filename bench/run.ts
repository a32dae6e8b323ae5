/**
 * `npm run bench [-- --repeat N]`: the policy pack's analyzeStack (200 vs 2000 resources), the
 * registry rules' lookups, and the whole offline gate against its floor: for the dev stack plus
 * 100 and plus 1000 generated Lambda services, `npm run plan -- --json` as a whole process next to
 * a bare program registering the same resources (same number and mix, parents and dependencies)
 * through the same SDK under its stock mocks (floor-once.ts), in the same process setup. Prints
 * times, peak RSS and their ratios, all measured in this run; never asserts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planNodeFlags } from "../tools/plan-node-flags";
import { benchAnalyzeStack } from "./analyze-stack";
import { writeBenchStack } from "./bench-stack";
import { benchRegistryLookups } from "./registry-lookups";

const REPO = path.resolve(__dirname, "..");
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Measured { seconds: number; rssMb: number }
interface GateMeasured extends Measured { resources: number; mandatory: number; advisory: number; gateRssMb: number; packRssMb: number }

/** Runs `node <plan's flags> <args>` to exit; its wall time, and the usage file it wrote. */
function timed(args: string[], usageFile: string): { seconds: number; stdout: string; usage: Record<string, number> } {
    fs.rmSync(usageFile, { force: true });
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [...planNodeFlags(), ...args], { cwd: REPO, encoding: "utf8", maxBuffer: 1024 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0 && result.status !== 1) {
        throw new Error(`${args.join(" ")} failed (exit ${result.status}):\n${result.stderr}`);
    }
    return { seconds, stdout: result.stdout, usage: JSON.parse(fs.readFileSync(usageFile, "utf8")) as Record<string, number> };
}

function gateRun(stack: string, usageFile: string, extraArgs: string[] = []): GateMeasured {
    const run = timed(["bench/gate-once.ts", usageFile, "--stack", stack, "--json", "--policy-pack-config", "policies/config/dev.json", ...extraArgs], usageFile);
    const report = JSON.parse(run.stdout) as { resources: unknown[]; diagnostics: { level: string }[] };
    const gateRssMb = run.usage.gateRssKb / 1024;
    const packRssMb = run.usage.packRssKb / 1024;
    return {
        seconds: run.seconds, resources: report.resources.length,
        mandatory: report.diagnostics.filter((d) => d.level === "mandatory").length,
        advisory: report.diagnostics.filter((d) => d.level === "advisory").length,
        // The gate's footprint is both processes': its own (with the pack's worker thread) and the pack's.
        gateRssMb, packRssMb, rssMb: gateRssMb + packRssMb,
    };
}

function floorRun(shapeFile: string, usageFile: string, withPack = false): Measured & { resources: number } {
    const run = timed(["bench/floor-once.ts", shapeFile, usageFile, ...(withPack ? ["--pack"] : [])], usageFile);
    // With the do-nothing pack, the footprint is both processes', as the gate's is.
    return { seconds: run.seconds, resources: run.usage.resources, rssMb: (run.usage.rssKb + (run.usage.packRssKb ?? 0)) / 1024 };
}

/** The gate and its floor for the dev stack plus `extra` services, alternating, `repeat` times each (medians). */
function gateAndFloor(extra: number, repeat: number, scratch: string) {
    const { stack, remove } = writeBenchStack(extra);
    try {
        const shapeFile = path.join(scratch, `shape-${extra}.json`);
        const stateFile = path.join(scratch, `state-${extra}.json`);
        const shape = spawnSync(process.execPath, [...planNodeFlags(), "bench/graph-shape.ts", stack, shapeFile, stateFile], { cwd: REPO, encoding: "utf8" });
        if (shape.status !== 0) {
            throw new Error(`recording the graph of ${stack} failed:\n${shape.stderr}`);
        }
        const gates: GateMeasured[] = [];
        const stated: GateMeasured[] = [];
        const floors: (Measured & { resources: number })[] = [];
        const packFloors: (Measured & { resources: number })[] = [];
        const usage = path.join(scratch, "usage.json");
        for (let i = 0; i < repeat; i++) {
            gates.push(gateRun(stack, usage));
            stated.push(gateRun(stack, usage, ["--state", stateFile]));
            floors.push(floorRun(shapeFile, usage));
            packFloors.push(floorRun(shapeFile, usage, true));
        }
        const pick = <T extends Measured>(runs: T[]) => ({ ...(runs.find((r) => r.seconds === median(runs.map((x) => x.seconds))) ?? runs[0]),
            rssMb: median(runs.map((r) => r.rssMb)) });
        const [gate, withState, floor, packFloor] = [pick(gates), pick(stated), pick(floors), pick(packFloors)];
        if (gate.resources !== floor.resources) {
            throw new Error(`the floor registered ${floor.resources} resources, the gate ${gate.resources}`);
        }
        return { extra, gate, withState, floor, packFloor };
    } finally {
        remove();
    }
}

function printTable(headers: string[], rows: string[][]): void {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const row of [headers, ...rows]) {
        console.log(`  ${row.map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd()}`);
    }
}

async function main(repeat: number): Promise<void> {
    console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.arch()}`);
    const analyze = await benchAnalyzeStack();
    console.log("\nanalyzeStack through the pack (gRPC), median of 5");
    console.log(`  200 resources   ${analyze.small.toFixed(3)} s`);
    console.log(`  2000 resources  ${analyze.large.toFixed(3)} s   (target < 2 s)`);
    console.log(`  ratio t(2000)/t(200) = ${analyze.ratio.toFixed(2)}   (target <= 12)`);

    const registry = await benchRegistryLookups();
    if (registry === undefined) {
        console.log("\nregistry lookups: skipped (no /usr/bin/docker-registry)");
    } else {
        console.log(`\nanalyze of ${registry.resources} image Lambdas, each its own digest (docker-registry on loopback), per resource`);
        console.log(`  registry rules off   ${registry.offMs.toFixed(2)} ms`);
        console.log(`  cold cache           ${registry.coldMs.toFixed(2)} ms   (one lookup per digest: manifest + config blob)`);
        console.log(`  warm cache           ${registry.warmMs.toFixed(2)} ms   (+${(registry.warmMs - registry.offMs).toFixed(2)} ms over off; target: a few ms)`);
        console.log(`  ratio warm/off = ${(registry.warmMs / registry.offMs).toFixed(2)}, cold/off = ${(registry.coldMs / registry.offMs).toFixed(2)}`);
    }

    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-bench-"));
    try {
        const runs = [gateAndFloor(100, repeat, scratch), gateAndFloor(1000, repeat, scratch)];
        console.log(`\noffline gate (npm run plan -- --json, whole process) vs its floor (the same resources registered by a bare program), ${repeat === 1 ? "one run each" : `median of ${repeat}`}`);
        const rows = runs.map(({ extra, gate, floor }) => [
            `dev +${extra}`, String(gate.resources), `${gate.seconds.toFixed(2)} s`, `${floor.seconds.toFixed(2)} s`, (gate.seconds / floor.seconds).toFixed(2),
            `${gate.rssMb.toFixed(0)} MiB (${gate.gateRssMb.toFixed(0)} + ${gate.packRssMb.toFixed(0)})`, `${floor.rssMb.toFixed(0)} MiB`,
            (gate.rssMb / floor.rssMb).toFixed(2), `${gate.mandatory} mandatory, ${gate.advisory} advisory`,
        ]);
        printTable(["stack", "resources", "gate time", "floor time", "ratio", "gate peak RSS (gate + pack)", "floor peak RSS", "ratio", "gate's diagnostics"], rows);
        console.log("\nthe same gate vs the second floor (the bare program while a pack that checks nothing gets the same Remediate, Analyze " +
            "and AnalyzeStack calls), and the gate with --state (its own deployed state: every resource a same)");
        printTable(["stack", "floor+pack time", "gate/floor+pack", "floor+pack peak RSS", "gate/floor+pack RSS", "gate --state time", "--state/gate"],
            runs.map(({ extra, gate, withState, packFloor }) => [
                `dev +${extra}`, `${packFloor.seconds.toFixed(2)} s`, (gate.seconds / packFloor.seconds).toFixed(2), `${packFloor.rssMb.toFixed(0)} MiB`,
                (gate.rssMb / packFloor.rssMb).toFixed(2), `${withState.seconds.toFixed(2)} s`, (withState.seconds / gate.seconds).toFixed(2),
            ]));
        const [small, large] = runs;
        console.log(`  targets at +1000: gate/(floor+pack) <= 1.25 in time (${(large.gate.seconds / large.packFloor.seconds).toFixed(2)}) and peak RSS ` +
            `(${(large.gate.rssMb / large.packFloor.rssMb).toFixed(2)}); gate/floor (no pack, not reachable on two cores): ` +
            `${(large.gate.seconds / large.floor.seconds).toFixed(2)} in time, ${(large.gate.rssMb / large.floor.rssMb).toFixed(2)} in RSS`);
        console.log(`  t(+1000)/t(+100): gate ${(large.gate.seconds / small.gate.seconds).toFixed(2)} (target <= 12), floor ${(large.floor.seconds / small.floor.seconds).toFixed(2)}`);
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

const repeatAt = process.argv.indexOf("--repeat");
const repeat = repeatAt < 0 ? 1 : Number(process.argv[repeatAt + 1]);
if (!Number.isInteger(repeat) || repeat < 1) {
    console.error("error: --repeat needs a whole number of runs, at least 1");
    process.exit(2);
}
main(repeat).catch((err) => {
    console.error(err);
    process.exit(1);
});
