/**
 * What the registry rules cost per resource: `analyze` of N image Lambdas with the rules off, with
 * a cold cache (one registry lookup per distinct digest, against docker-registry on loopback) and
 * warm (the same digests again). Ratios from one run; no assertion.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalRegistry } from "../cli/src/images/local-registry";
import { AnalyzerResourceInput } from "../cli/src/policy-gate/analyzer-client";
import { startWorkspacePack } from "../cli/src/policy-gate/workspace-pack";
import { defaultPackConfig, withoutRegistryLookups } from "../cli/src/policy-gate/pack-config";
import { RegistryWriter } from "../test/support/oci-push";

const ECR = "123456789012.dkr.ecr.us-west-2.amazonaws.com";

export interface RegistryBench { resources: number; offMs: number; coldMs: number; warmMs: number }

export async function benchRegistryLookups(count = 200): Promise<RegistryBench | undefined> {
    if (!fs.existsSync("/usr/bin/docker-registry")) {
        return undefined;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-bench-registry-"));
    const registry = await LocalRegistry.start(path.join(dir, "storage"));
    const pack = await startWorkspacePack();
    try {
        const writer = new RegistryWriter(`http://${registry.address}`);
        const lambdas: AnalyzerResourceInput[] = [];
        for (let i = 0; i < count; i++) {
            const image = await writer.image(`bench/fn-${i}`, { os: "linux", architecture: "arm64" });
            lambdas.push({
                urn: `urn:pulumi:bench::polyarch::aws:lambda/function:Function::fn-${i}`, type: "aws:lambda/function:Function", name: `fn-${i}`,
                properties: { packageType: "Image", imageUri: `${ECR}/bench/fn-${i}@${image.digest}`, architectures: ["arm64"], tracingConfig: { mode: "Active" } },
                parent: "", dependencies: [], propertyDependencies: {}, protect: false,
            });
        }
        const { config } = defaultPackConfig(await pack.getAnalyzerInfo());
        const withEndpoints = Object.fromEntries(Object.entries(config).map(([name, policy]) => [name,
            name.startsWith("image-platform-") ? { ...policy, properties: { ...policy.properties, registryEndpoints: { [ECR]: `http://${registry.address}` } } } : policy]));
        // The engine analyzes resources concurrently; so does the gate (32 in flight).
        const timeAll = async () => {
            const started = process.hrtime.bigint();
            for (let i = 0; i < lambdas.length; i += 32) {
                await Promise.all(lambdas.slice(i, i + 32).map((r) => pack.analyze(r)));
            }
            return Number(process.hrtime.bigint() - started) / 1e6 / lambdas.length;
        };
        await pack.configure(withoutRegistryLookups(withEndpoints));
        await timeAll(); // warm-up: JIT and first-call costs
        const offMs = await timeAll();
        await pack.configure(withEndpoints);
        const coldMs = await timeAll();
        const warmMs = await timeAll();
        return { resources: count, offMs, coldMs, warmMs };
    } finally {
        await pack.close();
        registry.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
