/**
 * The floor: a bare program registering a recorded graph's resources (same number, kinds, types,
 * names, parents, dependencies and inputs) through the same Pulumi SDK under its stock mocks, as a
 * whole process in the gate's setup (same node flags and TypeScript loader, preview, stack traces
 * off). No policy pack, no recording, no report. Writes `{ resources, rssKb }` to the file
 * `argv[3]` as it ends (its peak RSS); bench/run.ts times the process from spawn to exit.
 * `node <plan's node flags> bench/floor-once.ts <shape file> <usage file> [--pack]`
 *
 * With `--pack`, the second floor: the same program while a pack that checks nothing
 * (bench/noop-pack) gets the calls the CLI sends it, over the same protocol: ConfigureStack,
 * GetAnalyzerInfo and Configure, then Remediate and Analyze with each registration's inputs as it
 * arrives (32 in flight, as the gate), and AnalyzeStack over them all at the end. `packRssKb` is
 * then the pack's peak RSS.
 */
import * as pulumi from "@pulumi/pulumi";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import * as fs from "fs";
import { stackTracesOff } from "../cli/src/policy-gate/run-program";
import * as path from "path";
import { waitForRegistrations } from "../cli/src/recording-monitor";
import { AnalyzerResourceInput, PolicyPackProcess } from "../cli/src/policy-gate/analyzer-client";
import { ShapeEntry } from "./graph-shape";

const NOOP_PACK = path.join(__dirname, "noop-pack");
/** Remediate and Analyze calls in flight at once, as cli/src/policy-gate/resource-analysis.ts sends them. */
const CONCURRENCY = 32;

/** The CLI's side of the pack protocol, with nothing judged: what any pack costs a preview. */
class NoopPackCalls {
    private readonly resources: AnalyzerResourceInput[] = [];
    private readonly waiting: (() => void)[] = [];
    private inFlight = 0;
    private readonly done: Promise<unknown>[] = [];

    constructor(private readonly pack: PolicyPackProcess) {}

    static async start(): Promise<NoopPackCalls> {
        const pack = await PolicyPackProcess.start(NOOP_PACK);
        await pack.configureStack({ stack: "zz-floor", project: "polyarch", organization: "", dryRun: true, tags: {}, config: {}, configSecretKeys: [] });
        const info = await pack.getAnalyzerInfo();
        await pack.configure(Object.fromEntries(info.policies.map((p) => [p.name, { enforcementLevel: p.enforcementLevel, properties: {} }])));
        return new NoopPackCalls(pack);
    }

    add(type: string, name: string, properties: Record<string, unknown>): void {
        const resource: AnalyzerResourceInput = {
            urn: `urn:pulumi:zz-floor::polyarch::${type}::${name}`, type, name, properties, parent: "", dependencies: [], propertyDependencies: {}, protect: false,
        };
        this.resources.push(resource);
        this.done.push(this.slot(async () => {
            await this.pack.remediate(resource);
            await this.pack.analyze(resource);
        }));
    }

    async finish(): Promise<number> {
        await Promise.all(this.done);
        await this.pack.analyzeStack(this.resources);
        const status = fs.readFileSync(`/proc/${this.pack.pid}/status`, "utf8");
        await this.pack.close();
        return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    }

    private async slot(work: () => Promise<void>): Promise<void> {
        if (this.inFlight >= CONCURRENCY) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        }
        this.inFlight++;
        try {
            await work();
        } finally {
            this.inFlight--;
            this.waiting.shift()?.();
        }
    }
}

/** The npm package of each provider a polyarch stack uses: the floor constructs their own resource classes. */
const PACKAGES: Record<string, string> = {
    aws: "@pulumi/aws",
    "docker-build": "@pulumi/docker-build",
    kubernetes: "@pulumi/kubernetes",
    time: "@pulumiverse/time",
};

type ResourceClass = new (name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The class a package generates for a type token (`aws:lambda/function:Function` is
 * `aws.lambda.Function`, `kubernetes:apps/v1:Deployment` is `k8s.apps.v1.Deployment`): the floor
 * registers what the program registers, each class with its own output properties.
 */
function resourceClass(type: string): ResourceClass {
    const [pkg, module, name] = type.startsWith("pulumi:providers:") ? [type.slice("pulumi:providers:".length), "index", "Provider"] : type.split(":");
    if (PACKAGES[pkg] === undefined) {
        throw new Error(`the floor knows no package for '${type}': add it to PACKAGES`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    let scope = require(PACKAGES[pkg]) as Record<string, unknown>;
    for (const segment of module.split("/")) {
        if (segment !== "index" && scope[segment] !== undefined) {
            scope = scope[segment] as Record<string, unknown>;
        }
    }
    if (typeof scope[name] !== "function") {
        throw new Error(`'${PACKAGES[pkg]}' has no class for '${type}'`);
    }
    return scope[name] as ResourceClass;
}

/** A component with nothing but its children and its registered outputs. */
class Component extends pulumi.ComponentResource {
    constructor(type: string, name: string, outputs: pulumi.Inputs, opts: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs(outputs);
    }
}

function register(shape: ShapeEntry[]): void {
    const created: pulumi.Resource[] = [];
    // Every class looked up first: a type the floor cannot construct fails before anything registers.
    const classes = new Map(shape.filter((e) => e.kind !== "component").map((e) => [e.type, resourceClass(e.type)]));
    // An input that depends on other resources is an Output of theirs, as in a real program.
    const inputs = (entry: ShapeEntry): pulumi.Inputs => Object.fromEntries(Object.entries(entry.properties).map(([key, value]) => {
        const from = entry.propertyDependencies[key];
        return [key, from === undefined ? value : pulumi.all(from.map((i) => created[i].urn)).apply(() => value)];
    }));
    for (const entry of shape) {
        const opts: pulumi.CustomResourceOptions = {
            parent: entry.parent < 0 ? undefined : created[entry.parent],
            dependsOn: entry.dependsOn.map((i) => created[i]),
        };
        switch (entry.kind) {
            case "provider":
            case "custom":
                created.push(new (classes.get(entry.type) as ResourceClass)(entry.name, inputs(entry), opts));
                break;
            case "component":
                created.push(new Component(entry.type, entry.name, inputs(entry), opts));
                break;
        }
    }
}

async function main(file: string, usageFile: string, withPack: boolean): Promise<void> {
    const shape = JSON.parse(fs.readFileSync(file, "utf8")) as ShapeEntry[];
    let registered = 0;
    const calls = withPack ? await NoopPackCalls.start() : undefined;
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            registered++;
            calls?.add(args.type, args.name, args.inputs as Record<string, unknown>);
            return { id: `${args.name}_id`, state: args.inputs };
        },
        call: (args) => args.inputs,
    }, "polyarch", "zz-floor", true);
    stackTracesOff();
    await runInPulumiStack(async () => {
        register(shape);
        return {};
    });
    await waitForRegistrations();
    const packRssKb = await calls?.finish() ?? 0;
    // Counted as the mocks saw them (the root Stack included), not taken from the shape.
    fs.writeFileSync(usageFile, JSON.stringify({ resources: registered, rssKb: process.resourceUsage().maxRSS, packRssKb }));
}

main(process.argv[2], process.argv[3], process.argv.includes("--pack")).then(() => process.exit(0), (err) => {
    process.stderr.write(`${String(err?.stack ?? err)}\n`);
    process.exit(1);
});
