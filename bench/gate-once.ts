/**
 * One gate run in a fresh process (so its memory is its own): the dev stack plus `extra` generated
 * Lambda services. Prints one JSON line: seconds, resources, peak RSS of this process and the pack.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { PolicyPackProcess } from "../tools/policy-gate/analyzer-client";
import { REPO_ROOT, runGate } from "../tools/policy-gate/gate";
import { readStackFile } from "../tools/stack-file";

async function main(extra: number): Promise<void> {
    const dev = readStackFile(REPO_ROOT, "dev");
    const config: Record<string, unknown> = Object.fromEntries(Object.entries(dev.config).map(([k, v]) => {
        try { return [k, JSON.parse(v)]; } catch { return [k, v]; }
    }));
    const services = config["polyarch:services"] as Record<string, unknown>[];
    for (let i = 0; i < extra; i++) {
        services.push({ name: `bench-fn-${String(i).padStart(4, "0")}`, target: "lambda", context: "services/thumbnails", memory: 512 });
    }
    const stack = `zz-bench-${extra}`;
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, stringify({ config }));

    let packPeakKb = 0;
    const close = PolicyPackProcess.prototype.close;
    PolicyPackProcess.prototype.close = async function (this: PolicyPackProcess) {
        const status = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
        packPeakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        return close.call(this);
    };
    try {
        const start = process.hrtime.bigint();
        const report = await runGate({ stack, policyPackConfig: path.join(REPO_ROOT, "policies", "config", "dev.json") });
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const mandatory = report.diagnostics.filter((d) => d.level === "mandatory").length;
        process.stdout.write(JSON.stringify({
            extra, seconds, resources: report.resources.length, mandatory,
            gateRssMb: process.resourceUsage().maxRSS / 1024, packRssMb: packPeakKb / 1024,
        }) + "\n");
    } finally {
        fs.rmSync(file, { force: true });
    }
}

main(Number(process.argv[2] ?? 100)).then(() => process.exit(0), (err) => {
    process.stderr.write(`${String(err?.stack ?? err)}\n`);
    process.exit(1);
});
