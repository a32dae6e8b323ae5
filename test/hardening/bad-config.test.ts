import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../cli/src/plan";
import { readStackFile } from "../../cli/src/stack-file";
import { BAD_CONFIGS } from "../support/bad-configs";
import { registrations } from "../support/mock-runtime";
import { REPO, plan } from "../support/plan-cli";
import { runInfra } from "../support/run-infra";

/** Runs the plan CLI's main() in this process, capturing what it prints. */
async function planInProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    // Like a real stream, call the write callback: the CLI waits for it before exiting.
    const capture = (append: (chunk: string) => void) => ((chunk: string, encodingOrDone?: unknown, done?: unknown) => {
        append(chunk);
        const callback = typeof encodingOrDone === "function" ? encodingOrDone : done;
        if (typeof callback === "function") {
            callback();
        }
        return true;
    }) as typeof process.stdout.write;
    process.stdout.write = capture((chunk) => { stdout += chunk; });
    process.stderr.write = capture((chunk) => { stderr += chunk; });
    try {
        const status = await main(args);
        return { status, stdout, stderr };
    } finally {
        process.stdout.write = out;
        process.stderr.write = err;
    }
}

describe("bad stack config is refused with one clear message and nothing run", function () {
    this.timeout(120_000);

    BAD_CONFIGS.forEach((bad, index) => {
        describe(bad.label, () => {
            const stack = `zz-test-${index}`;
            const file = path.join(REPO, `Pulumi.${stack}.yaml`);
            const message = bad.message.replace("STACK", path.basename(file));
            before(() => fs.writeFileSync(file, bad.yaml));
            after(() => fs.rmSync(file, { force: true }));

            it("npm run plan exits 2 with the message on stderr, nothing on stdout, no stack trace", async () => {
                const { status, stdout, stderr } = await planInProcess(["--stack", stack]);
                assert.equal(stdout, "");
                assert.equal(stderr, `error: ${message}\n`);
                assert.equal(status, 2);
                assert.ok(!/\n\s+at /.test(stderr), "no stack trace");
            });

            if (!bad.label.startsWith("a YAML syntax error")) {
                it("the program under mocks throws the same message and registers nothing", async () => {
                    const { config, secretKeys } = readStackFile(REPO, stack);
                    await assert.rejects(runInfra(stack, { config, secretKeys }), (error: Error) => {
                        assert.equal(error.message, message);
                        // The Pulumi CLI prints a RunError's message alone: no stack trace, no program source.
                        assert.ok(pulumi.RunError.isInstance(error), "must be a RunError");
                        return true;
                    });
                    assert.equal(registrations.length, 0);
                });
            }
        });
    });

    it("an unknown stack name", async () => {
        const { status, stdout, stderr } = await planInProcess(["--stack", "staging"]);
        assert.deepEqual([status, stdout, stderr],
            [2, "", "error: --stack: no stack 'staging': Pulumi.staging.yaml does not exist; known stacks: dev, prod, targets\n"]);
    });

    it("the real CLI process behaves the same (exit 2, one line, no trace)", () => {
        const file = path.join(REPO, "Pulumi.zz-test-cli.yaml");
        fs.writeFileSync(file, BAD_CONFIGS[2].yaml);
        try {
            const { status, stdout, stderr } = plan("--stack", "zz-test-cli", "--json");
            assert.deepEqual([status, stdout, stderr], [2, "", `error: ${BAD_CONFIGS[2].message}\n`]);
        } finally {
            fs.rmSync(file, { force: true });
        }
    });
});
