import { strict as assert } from "assert";
import fc from "fast-check";
import { ConfigError, parseStackConfig } from "../../infra/config";
import { buildStack } from "../../infra/program";
import { reset } from "../support/mock-runtime";
import { PROJECT_ROOT } from "../support/run-infra";

const junk = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true }));

const CONTEXTS = { lambda: "services/thumbnails", eks: "services/catalog-api", apprunner: "services/storefront", ecs: "services/storefront" };

/** A valid entry for one target, drawn from each setting's allowed range (or left out). */
const validService = fc.constantFrom("lambda", "eks", "apprunner", "ecs").chain((target) => fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9]{1,10}$/),
    target: fc.constant(target),
    context: fc.constant(CONTEXTS[target as keyof typeof CONTEXTS]),
    ...((target === "lambda" ? {
        memory: fc.option(fc.integer({ min: 128, max: 10240 }), { nil: undefined }),
        timeout: fc.option(fc.integer({ min: 1, max: 900 }), { nil: undefined }),
        architecture: fc.option(fc.constantFrom("arm64", "x86_64"), { nil: undefined }),
    } : target === "eks" ? {
        replicas: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        cpu: fc.option(fc.constantFrom(0.1, 0.25, 1, 2), { nil: undefined }),
        architecture: fc.option(fc.constantFrom("arm64", "x86_64"), { nil: undefined }),
    } : target === "apprunner" ? {
        cpu: fc.option(fc.constantFrom(256, 512, 1024, 2048, 4096), { nil: undefined }),
        memory: fc.option(fc.constantFrom(512, 1024, 2048, 4096), { nil: undefined }),
    } : {
        cpu: fc.option(fc.constantFrom(256, 512, 1024), { nil: undefined }),
        desiredCount: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        public: fc.option(fc.boolean(), { nil: undefined }),
        architecture: fc.option(fc.constantFrom("arm64", "x86_64"), { nil: undefined }),
    }) as Record<string, fc.Arbitrary<unknown>>),
    env: fc.option(fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/), fc.string({ maxLength: 8 }), { maxKeys: 3 }), { nil: undefined }),
}, { requiredKeys: ["name", "target", "context"] }));

/** A valid entry, sometimes with one key replaced by junk or an unknown key added. */
const serviceEntry = fc.tuple(validService, fc.nat({ max: 9 }), fc.constantFrom("name", "target", "context", "architecture", "memory", "timeout", "cpu", "port", "replicas", "typo", "memroy"), junk)
    .map(([entry, roll, key, value]) => (roll < 6 ? entry : { ...entry, [key]: value }));

const stackConfig = fc.record({
    "aws:region": fc.oneof({ weight: 9, arbitrary: fc.constantFrom("us-west-2", "eu-central-1") }, { weight: 1, arbitrary: junk }),
    "polyarch:services": fc.oneof({ weight: 19, arbitrary: fc.array(serviceEntry, { maxLength: 5 }) }, { weight: 1, arbitrary: junk }),
    "polyarch:eks": fc.option(fc.record({
        instanceTypes: fc.array(fc.constantFrom("m7g.large", "c6g.xlarge", "t4g.small", "m5.large", "bogus"), { minLength: 1, maxLength: 3 }),
        scaling: fc.record({ min: fc.integer({ min: 0, max: 3 }), desired: fc.integer({ min: 0, max: 4 }), max: fc.integer({ min: 1, max: 6 }) }),
    }, { requiredKeys: [] }), { nil: undefined, freq: 2 }),
    "polyarch:logRetentionDays": fc.option(fc.oneof(fc.constantFrom(7, 14, 90), fc.integer()), { nil: undefined, freq: 2 }),
}, { requiredKeys: ["aws:region", "polyarch:services"] });

/** The flat config map the CLI hands a program: strings, objects as JSON. */
function asRuntimeConfig(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

describe("stack config parser (property-based)", function () {
    this.timeout(120_000);
    after(reset);

    it("either yields settings every component accepts, or refuses with a message naming a key — never crashes", () => {
        let accepted = 0;
        let refused = 0;
        fc.assert(fc.property(stackConfig, (config) => {
            let settings;
            try {
                settings = parseStackConfig(asRuntimeConfig(config), { stack: "dev", projectRoot: PROJECT_ROOT });
            } catch (error) {
                assert.ok(error instanceof ConfigError, `not a ConfigError: ${String((error as Error)?.stack ?? error)}`);
                assert.match(error.propertyPath, /^(polyarch:[a-zA-Z]+|aws:region)/);
                assert.ok(error.message.startsWith(`${error.propertyPath}: `), error.message);
                refused++;
                return;
            }
            // Components validate synchronously at construction: a throw here is a parser gap.
            buildStack(settings);
            accepted++;
        }), { numRuns: 300, seed: 20261122 });
        assert.ok(accepted > 10 && refused > 10, `both outcomes must be exercised (accepted ${accepted}, refused ${refused})`);
    });
});
