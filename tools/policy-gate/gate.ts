import * as fs from "fs";
import * as path from "path";
import { parseStackConfig } from "../../infra/config";
import { deploymentNotices } from "../../infra/deployment-notices";
import { RecordedResource, SECRET_SIG, SIG_KEY } from "../recording-monitor";
import { readProjectFile, readStackFile } from "../stack-file";
import { AnalyzerResourceInput, Diagnostic, EnforcementLevel, PACK_SOURCE_ENTRY, PolicyPackProcess } from "./analyzer-client";
import { defaultPackConfig, readJsonFile, resolvePackConfig } from "./pack-config";
import { runProgramUnderMocks } from "./run-program";
import { ServiceRow, serviceRows } from "./service-table";

/** What `secret` values look like in the report: never their plaintext. */
export const REDACTED = "[secret]";

/** This repository: where the pack lives, and the polyarch project itself. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface GateOptions {
    /** Directory of the Pulumi project to plan (its Pulumi.yaml names the program). Default: polyarch. */
    projectDir?: string;
    stack: string;
    /** `--policy-pack-config`; default `policies/config/<stack>.json` when it exists. */
    policyPackConfig?: string;
    /** The policy pack directory; default this repository's `policies/`. */
    packDir?: string;
    onProgress?: (message: string) => void;
}

export interface ReportResource {
    urn: string;
    type: string;
    name: string;
    parent: string;
    inputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

export interface ReportDiagnostic {
    policy: string;
    urn: string;
    level: EnforcementLevel;
    message: string;
}

export interface GateReport {
    stack: string;
    resources: ReportResource[];
    diagnostics: ReportDiagnostic[];
    /** Not in --json output: the human table. */
    services: ServiceRow[];
    /** Which policy config was used, or the notice that pack defaults were. */
    configSource: string;
    usedPackDefaults: boolean;
    /** Not in --json output (printed to stderr there): what deploying this stack needs that no policy enforces. */
    notices: string[];
}

/** The type of the root resource every program runs in. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** Analyze calls in flight at once: enough to overlap gRPC latency, bounded for 10k-resource stacks. */
const ANALYZE_CONCURRENCY = 32;

/**
 * The offline gate: validate the stack's config, run the real program under mocks while the
 * policy pack starts, then configure the pack and run `analyze` per resource and `analyzeStack`
 * over the recorded graph, exactly as `pulumi preview --policy-pack` does.
 */
export async function runGate(options: GateOptions): Promise<GateReport> {
    const progress = options.onProgress ?? (() => undefined);
    const projectRoot = path.resolve(options.projectDir ?? REPO_ROOT);
    const project = readProjectFile(projectRoot);
    const stackFile = readStackFile(projectRoot, options.stack);
    // Validate before anything starts: a config error is exit 2 with nothing run.
    const notices = project.name === "polyarch"
        ? deploymentNotices(parseStackConfig(stackFile.config, { stack: options.stack, projectRoot }))
        : [];

    const packDir = options.packDir ?? path.join(REPO_ROOT, "policies");
    const defaultConfigFile = path.join(packDir, "config", `${options.stack}.json`);
    const configFile = options.policyPackConfig ?? (fs.existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
    const rawPackConfig = configFile === undefined ? undefined : readJsonFile(configFile);

    progress(`starting the policy pack and running ${path.relative(process.cwd(), project.entry) || project.entry} for stack '${options.stack}'…`);
    // This repository's pack runs from its sources; another pack as the CLI runs it (its `main`).
    const packStarting = options.packDir === undefined ? PolicyPackProcess.start(packDir, undefined, PACK_SOURCE_ENTRY) : PolicyPackProcess.start(packDir);
    let pack: PolicyPackProcess | undefined;
    try {
        const [run, started] = await Promise.allSettled([
            runProgramUnderMocks(project.entry, project.name, stackFile),
            packStarting,
        ]);
        pack = started.status === "fulfilled" ? started.value : undefined;
        if (run.status === "rejected") {
            throw run.reason;
        }
        if (pack === undefined) {
            throw (started as PromiseRejectedResult).reason;
        }
        const running = pack;
        progress(`analyzing ${run.value.resources.length} resources…`);
        const info = await running.getAnalyzerInfo();
        const config = rawPackConfig === undefined ? defaultPackConfig(info) : resolvePackConfig(rawPackConfig, info, configFile ?? "");
        await running.configure(config);

        const resources = run.value.resources.map(toAnalyzerResource);
        const diagnostics: Diagnostic[] = [];
        const custom = resources.filter((_, i) => run.value.resources[i].custom);
        for (let i = 0; i < custom.length; i += ANALYZE_CONCURRENCY) {
            const slice = custom.slice(i, i + ANALYZE_CONCURRENCY);
            const batch = await Promise.all(slice.map((r) => running.analyze(r)));
            // As the engine does: a diagnostic from `analyze` belongs to the resource analyzed,
            // whatever URN the pack put in it.
            batch.forEach((found, j) => diagnostics.push(...found.map((d) => ({ ...d, urn: slice[j].urn }))));
        }
        const known = new Set(run.value.resources.map((r) => r.urn));
        const stackUrn = run.value.resources.find((r) => r.type === ROOT_STACK_TYPE)?.urn ?? "";
        // A stack diagnostic with no URN, or one naming no resource of the stack, is the stack's own.
        diagnostics.push(...(await running.analyzeStack(resources)).map((d) => (known.has(d.urn) ? d : { ...d, urn: stackUrn })));

        const reportDiagnostics = diagnostics.map((d) => ({ policy: d.policy, urn: d.urn, level: d.level, message: d.message }));
        return {
            stack: options.stack,
            resources: run.value.resources.map((r) => toReportResource(r, known)),
            diagnostics: reportDiagnostics,
            services: serviceRows(run.value.resources, reportDiagnostics),
            configSource: configFile === undefined ? "pack defaults" : path.relative(process.cwd(), configFile) || configFile,
            usedPackDefaults: configFile === undefined,
            notices,
        };
    } finally {
        // Never leave the pack running: not on success, not on a failed program or a crashed pack.
        const toClose = pack ?? await packStarting.catch(() => undefined);
        await toClose?.close();
    }
}

function toAnalyzerResource(r: RecordedResource): AnalyzerResourceInput {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        properties: r.wireInputs,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: withoutEmptyLists(r.propertyDependencies),
        protect: r.protect,
    };
}

/** Property dependencies as the engine sends them: an input that depends on nothing has no entry. */
function withoutEmptyLists(dependencies: Record<string, string[]>): Record<string, string[]> {
    return Object.fromEntries(Object.entries(dependencies).filter(([, urns]) => urns.length > 0));
}

function toReportResource(r: RecordedResource, known: Set<string>): ReportResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        inputs: redactSecrets(r.wireInputs) as Record<string, unknown>,
        dependencies: r.dependencies.filter((urn) => known.has(urn)),
        propertyDependencies: withoutEmptyLists(Object.fromEntries(Object.entries(r.propertyDependencies)
            .map(([key, urns]) => [key, urns.filter((urn) => known.has(urn))]))),
    };
}

/** Replaces every secret-wrapped value with {@link REDACTED}. */
export function redactSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(redactSecrets);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            return REDACTED;
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redactSecrets(v)]));
    }
    return value;
}
