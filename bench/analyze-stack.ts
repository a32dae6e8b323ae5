/**
 * analyzeStack over 200 and 2000 resources, through the real pack over gRPC. Prints each time
 * (median of 5) and the ratio; linear work means a ratio near 10, a per-resource scan of the stack
 * near 100. Targets: < 2 s at 2000, ratio <= 12.
 */
import { startWorkspacePack } from "../cli/src/policy-gate/workspace-pack";
import { defaultPackConfig } from "../cli/src/policy-gate/pack-config";
import { syntheticStack } from "./synthetic-graph";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchAnalyzeStack(): Promise<{ small: number; large: number; ratio: number }> {
    const pack = await startWorkspacePack();
    try {
        await pack.configure(defaultPackConfig(await pack.getAnalyzerInfo()).config);
        const time = async (size: number) => {
            const stack = syntheticStack(size);
            await pack.analyzeStack(stack); // warm-up: JIT and first-call costs
            const runs: number[] = [];
            for (let i = 0; i < 5; i++) {
                const start = process.hrtime.bigint();
                const diagnostics = await pack.analyzeStack(stack);
                runs.push(Number(process.hrtime.bigint() - start) / 1e9);
                if (diagnostics.filter((d) => d.policy === "lambda-architecture-matches-image").length !== 0) {
                    throw new Error("the synthetic stack should be compliant");
                }
            }
            return median(runs);
        };
        const small = await time(200);
        const large = await time(2000);
        return { small, large, ratio: large / small };
    } finally {
        await pack.close();
    }
}
