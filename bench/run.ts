/**
 * `npm run bench`: the policy pack's analyzeStack (200 vs 2000 resources) and the whole offline
 * gate (dev + 100 vs dev + 1000 Lambda services). Prints times, ratios and peak memory; never asserts.
 */
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { benchAnalyzeStack } from "./analyze-stack";
import { benchRegistryLookups } from "./registry-lookups";

interface GateRun { extra: number; seconds: number; resources: number; mandatory: number; gateRssMb: number; packRssMb: number }

function gateRun(extra: number): GateRun {
    // The same node flags as `npm run plan`.
    const result = spawnSync(process.execPath, ["--max-semi-space-size=32", "-r", "ts-node/register/transpile-only", path.join(__dirname, "gate-once.ts"), String(extra)],
        { cwd: path.resolve(__dirname, ".."), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
        throw new Error(`gate run (+${extra}) failed:\n${result.stderr}`);
    }
    return JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as GateRun;
}

async function main(): Promise<void> {
    console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
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

    const small = gateRun(100);
    const large = gateRun(1000);
    console.log("\noffline gate (npm run plan) on dev + N generated Lambda services");
    console.log("  N      resources  time      peak RSS gate  peak RSS pack  mandatory");
    for (const r of [small, large]) {
        console.log(`  +${String(r.extra).padEnd(5)} ${String(r.resources).padEnd(10)} ${r.seconds.toFixed(2).padStart(6)} s  ${r.gateRssMb.toFixed(0).padStart(8)} MiB  ${r.packRssMb.toFixed(0).padStart(9)} MiB  ${r.mandatory}`);
    }
    console.log(`  ratio t(+1000)/t(+100) = ${(large.seconds / small.seconds).toFixed(2)}   (targets: +1000 < 10 s, ratio <= 12, peak RSS < 1 GiB)`);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
