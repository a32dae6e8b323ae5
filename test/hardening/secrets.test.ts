import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { runGate } from "../../cli/src/policy-gate/gate";
import { SECRET_SIG } from "../../cli/src/recording-monitor";
import { readStackFile } from "../../cli/src/stack-file";
import { useStack } from "../support/mock-runtime";
import { REPO } from "../support/plan-cli";
import { runInfra } from "../support/run-infra";
import { devConfigWith, devServices } from "../support/stack-config";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const PLAINTEXT = "hunter2-do-not-print";

describe("secrets in stack config", function () {
    this.timeout(120_000);

    it("reach every resource as Pulumi secrets when polyarch:services is a secret key (pulumi config set --secret --path)", async () => {
        // What the CLI hands the program after decrypting: plaintext, with the key listed as secret.
        const config = devConfigWith({ "polyarch:services": devServices((e, i) => (i === 0 || i === 2 ? { ...e, env: { API_KEY: PLAINTEXT } } : e)) });
        const { registrations } = await runInfra("dev", { config, secretKeys: ["polyarch:services"] });
        const fn = registrations.find((r) => r.type === "aws:lambda/function:Function")!;
        const variable = (fn.wireInputs as any).environment.variables.API_KEY;
        assert.equal(variable[SIG_KEY], SECRET_SIG, "the Lambda env var must be a secret on the wire");
        const task = registrations.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")!;
        assert.equal((task.wireInputs as any).containerDefinitions[SIG_KEY], SECRET_SIG, "container definitions holding it must be secret");
        // Nowhere in the graph may the plaintext appear outside a secret wrapper.
        const unwrappedAnywhere = registrations.some((r) => JSON.stringify(stripSecrets(r.wireInputs)).includes(PLAINTEXT));
        assert.equal(unwrappedAnywhere, false);
    });

    it("are never printed by the gate, neither plaintext nor ciphertext", async () => {
        const stack = "zz-test-secret";
        const file = path.join(REPO, `Pulumi.${stack}.yaml`);
        const decoded = Object.fromEntries(Object.entries(devConfigWith({
            "polyarch:services": devServices((e, i) => (i === 0 ? { ...e, env: { API_KEY: { secure: "v1:CIPHERTEXT-do-not-print" } } } : e)),
        })).map(([k, v]) => { try { return [k, JSON.parse(v)]; } catch { return [k, v]; } }));
        fs.writeFileSync(file, stringify({ config: decoded }));
        try {
            assert.deepEqual(readStackFile(REPO, stack).secretKeys, ["polyarch:services"]);
            const report = await runGate({ stack, packs: [{ config: path.join(REPO, "policies", "config", "dev.json") }] });
            const text = JSON.stringify(report);
            assert.ok(!text.includes("CIPHERTEXT"), "ciphertext must not be printed");
            const fn = report.resources.find((r) => r.type === "aws:lambda/function:Function")!;
            assert.equal((fn.inputs as any).environment.variables.API_KEY, "[secret]");
        } finally {
            fs.rmSync(file, { force: true });
            useStack("dev");
        }
    });
});

/** Drops every secret-wrapped value, leaving only what would be stored or shown in plain text. */
function stripSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(stripSecrets);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            return null;
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, stripSecrets(v)]));
    }
    return value;
}
