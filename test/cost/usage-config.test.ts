import { strict as assert } from "assert";
import { removeStack, stackLike } from "../support/cost-stacks";
import { plan } from "../support/plan-cli";

/** `usage:` per service (issue "What arm64 saves"): validated with the rest of the stack's config. */
describe("a service's usage (what the cost estimate assumes)", function () {
    this.timeout(180_000);
    const made: string[] = [];
    after(() => made.forEach(removeStack));

    const refusal = (patch: (services: Record<string, unknown>[]) => void) => {
        const stack = stackLike("dev", patch);
        made.push(stack);
        return plan("--stack", stack, "--policy-pack-config", "policies/config/dev.json");
    };

    for (const [what, patch, line] of [
        ["a negative request count", (s: Record<string, unknown>[]) => (s[0].usage = { requestsPerMonth: -5 }),
            "error: polyarch:services[0].usage.requestsPerMonth: "],
        ["a duration that is not a number", (s: Record<string, unknown>[]) => (s[0].usage = { averageDurationMs: "fast" }),
            "error: polyarch:services[0].usage.averageDurationMs: "],
        ["a duration longer than the function's timeout", (s: Record<string, unknown>[]) => (s[0].usage = { averageDurationMs: 45000 }),
            "error: polyarch:services[0].usage.averageDurationMs: got 45000; an invocation ends at the function's timeout (30000 ms), so its average cannot be longer; lower it or raise timeout"],
        ["a misspelled usage key", (s: Record<string, unknown>[]) => (s[0].usage = { requests: 10 }),
            "error: polyarch:services[0].usage: unknown key 'requests'"],
        ["more active hours than a month has", (s: Record<string, unknown>[]) => (s[3].usage = { activeHoursPerMonth: 800 }),
            "error: polyarch:services[3].usage.activeHoursPerMonth: "],
        ["usage on a target that is priced by what it provisions", (s: Record<string, unknown>[]) => (s[2].usage = { requestsPerMonth: 10 }),
            "error: polyarch:services[2]: unknown key 'usage'"],
    ] as const) {
        it(`refuses ${what}: exit 2, one line naming the key, nothing planned`, () => {
            const result = refusal(patch);
            assert.equal(result.status, 2, result.stderr);
            assert.equal(result.stdout, "");
            assert.equal(result.stderr.split("\n").filter(Boolean).length, 1, result.stderr);
            assert.ok(result.stderr.startsWith(line), `${result.stderr} does not start with ${line}`);
        });
    }
});
