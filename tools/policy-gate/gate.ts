import * as fs from "fs";
import * as path from "path";
import { parseStackConfig } from "../../infra/config";
import { deploymentNotices } from "../../infra/deployment-notices";
import { ROOT_STACK_TYPE, generateUrn } from "../engine/urn";
import { RecordedResource, SECRET_SIG, SIG_KEY } from "../recording-monitor";
import { ProjectFile, readProjectFile, readStackFile } from "../stack-file";
import {
    AnalyzerProvider, AnalyzerResourceInput, Diagnostic, EnforcementLevel, PACK_SOURCE_ENTRY, PolicyPackProcess, TrafficRecorder,
} from "./analyzer-client";
import { propertiesForAnalyzer } from "./engine-view";
import { REGISTRY_RULES, defaultPackConfig, readJsonFile, resolvePackConfig, withoutRegistryLookups } from "./pack-config";
import { runProgramUnderMocks } from "./run-program";
import { ServiceRow, serviceRows } from "./service-table";

/** What `secret` values look like in the report: never their plaintext. */
export const REDACTED = "[secret]";

/** This repository: where the pack lives, and the polyarch project itself. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** `preview` (default): what `pulumi preview --policy-pack` sends. `update`: what `pulumi up` sends once outputs are known. */
export type GateView = "preview" | "update";

export interface GateOptions {
    /** Directory of the Pulumi project to plan (its Pulumi.yaml names the program). Default: polyarch. */
    projectDir?: string;
    stack: string;
    /** `--policy-pack-config`; default `policies/config/<stack>.json` when it exists. */
    policyPackConfig?: string;
    /** The policy pack directory; default this repository's `policies/`. */
    packDir?: string;
    view?: GateView;
    /** Run the registry rules (they read real registries); off by default, the plan's digests being made up. */
    registry?: boolean;
    onProgress?: (message: string) => void;
    /** Sees every request sent to the pack (the conformance suite records them). */
    onTraffic?: TrafficRecorder;
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

/** A policy's remediation that replaced a resource's inputs before analysis. */
export interface ReportRemediation {
    policy: string;
    urn: string;
}

export interface GateReport {
    stack: string;
    view: GateView;
    resources: ReportResource[];
    diagnostics: ReportDiagnostic[];
    remediations: ReportRemediation[];
    /** Not in --json output: the human table. */
    services: ServiceRow[];
    /** Which policy config was used, or the notice that pack defaults were. */
    configSource: string;
    usedPackDefaults: boolean;
    /** Not in --json output (printed to stderr there): what deploying this stack needs that no policy enforces. */
    notices: string[];
    /** Policy config the engine accepts but that is probably a mistake (printed to stderr). */
    warnings: string[];
}

/** Remediate and analyze calls in flight at once: enough to overlap gRPC latency, bounded for 10k-resource stacks. */
const ANALYZE_CONCURRENCY = 32;

/**
 * The offline gate: validate the stack's config, run the real program under mocks while the
 * policy pack starts, then speak to the pack as the engine does during `pulumi preview
 * --policy-pack` (or `pulumi up` with view "update"): ConfigureStack, GetAnalyzerInfo, Configure
 * with the reconciled config, Remediate then Analyze for every registered resource (components,
 * the Stack and providers included), and AnalyzeStack over every resource's outputs.
 */
export async function runGate(options: GateOptions): Promise<GateReport> {
    const progress = options.onProgress ?? (() => undefined);
    const view = options.view ?? "preview";
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

    progress(`starting the policy pack and running ${path.relative(process.cwd(), project.entry) || project.entry} for stack '${options.stack}' (${view})…`);
    // This repository's pack runs from its sources; another pack as the CLI runs it (its `main`).
    const packStarting = options.packDir === undefined ? PolicyPackProcess.start(packDir, undefined, PACK_SOURCE_ENTRY) : PolicyPackProcess.start(packDir);
    let pack: PolicyPackProcess | undefined;
    try {
        const [run, started] = await Promise.allSettled([
            runProgramUnderMocks(project.entry, project.name, stackFile, view === "preview"),
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
        running.recordTraffic(options.onTraffic);
        const recorded = run.value.resources;
        progress(`analyzing ${recorded.length} resources…`);

        // plugin/analyzer_plugin.go NewPolicyAnalyzer calls ConfigureStack when the plugin loads;
        // engine/update.go then reads the pack's info and configures it with the reconciled config.
        await running.configureStack({
            stack: options.stack,
            project: project.name,
            organization: process.env.PULUMI_ORGANIZATION ?? "",
            dryRun: view === "preview",
            tags: stackTags(project),
            config: stackFile.config,
            configSecretKeys: stackFile.secretKeys,
        });
        const info = await running.getAnalyzerInfo();
        const { config, warnings } = rawPackConfig === undefined
            ? defaultPackConfig(info)
            : resolvePackConfig(rawPackConfig, info, configFile ?? "");
        if (!options.registry && REGISTRY_RULES.some((name) => config[name] !== undefined && config[name].enforcementLevel !== "disabled")) {
            notices.push(`registry rules (${REGISTRY_RULES.join(", ")}) not run: the plan's digests are made up. ` +
                "`--registry` runs them against the registries themselves (ECR with your AWS credentials, others from the policy config)");
        }
        if (info.supportsConfig) {
            await running.configure(options.registry ? config : withoutRegistryLookups(config));
        }

        const byUrn = new Map(recorded.map((r) => [r.urn, r]));
        const providerOf = providerLookup(byUrn);
        const diagnostics: Diagnostic[] = [];
        const remediations: ReportRemediation[] = [];
        const analyzedInputs = new Map<string, Record<string, unknown>>();
        // step_generator.go continueStepsFromImport: for every registered resource, remediations
        // run first (each replacing the inputs), then analyze on the final inputs.
        const analyzeOne = async (r: RecordedResource): Promise<{ found: Diagnostic[]; remediated: ReportRemediation[] }> => {
            const provider = providerOf(r);
            const found: Diagnostic[] = [];
            const remediated: ReportRemediation[] = [];
            let inputs = r.wireInputs;
            for (const remediation of await running.remediate(toAnalyzerResource(r, propertiesForAnalyzer(inputs, false), provider))) {
                if (remediation.diagnostic !== "") {
                    found.push({ policy: remediation.policy, urn: r.urn, level: "advisory", message: remediation.diagnostic,
                        description: remediation.description, severity: "unspecified" });
                } else if (remediation.properties !== undefined) {
                    inputs = remediation.properties;
                    remediated.push({ policy: remediation.policy, urn: r.urn });
                }
            }
            analyzedInputs.set(r.urn, inputs);
            const analyzed = await running.analyze(toAnalyzerResource(r, propertiesForAnalyzer(inputs), provider));
            // analyze_snapshot.go analyzeResource: a diagnostic belongs to the analyzed resource, and a
            // remediate-level violation that remains is mandatory.
            found.push(...analyzed.map((d) => ({ ...d, urn: r.urn, level: d.level === "remediate" ? "mandatory" as const : d.level })));
            return { found, remediated };
        };
        for (let i = 0; i < recorded.length; i += ANALYZE_CONCURRENCY) {
            // Calls overlap; results are kept in registration order, so reports are the same every run.
            for (const { found, remediated } of await Promise.all(recorded.slice(i, i + ANALYZE_CONCURRENCY).map(analyzeOne))) {
                diagnostics.push(...found);
                remediations.push(...remediated);
            }
        }

        // step_generator.go AnalyzeResources: the stack policies see every resource's outputs, and a
        // diagnostic naming no resource of the stack belongs to the default root Stack URN.
        const rootStackUrn = generateUrn(options.stack, project.name, "", ROOT_STACK_TYPE, `${project.name}-${options.stack}`);
        const stackResources = recorded.map((r) => toAnalyzerResource(r,
            propertiesForAnalyzer(outputsAfterRemediation(r, analyzedInputs.get(r.urn))), providerOf(r)));
        for (const d of await running.analyzeStack(stackResources)) {
            diagnostics.push({ ...d, urn: byUrn.has(d.urn) ? d.urn : rootStackUrn, level: d.level === "remediate" ? "mandatory" : d.level });
        }

        const known = new Set(byUrn.keys());
        const reportDiagnostics = diagnostics.map((d) => ({ policy: d.policy, urn: d.urn, level: d.level, message: d.message }));
        return {
            stack: options.stack,
            view,
            resources: recorded.map((r) => toReportResource(r, known)),
            diagnostics: reportDiagnostics,
            remediations,
            services: serviceRows(recorded, reportDiagnostics),
            configSource: configFile === undefined ? "pack defaults" : path.relative(process.cwd(), configFile) || configFile,
            usedPackDefaults: configFile === undefined,
            notices,
            warnings,
        };
    } finally {
        // Never leave the pack running: not on success, not on a failed program or a crashed pack.
        const toClose = pack ?? await packStarting.catch(() => undefined);
        await toClose?.close();
    }
}

/** backend/stack.go GetEnvironmentTagsForCurrentStack: the tags Pulumi.yaml gives (no VCS tags offline). */
function stackTags(project: ProjectFile): Record<string, string> {
    const tags: Record<string, string> = { "pulumi:project": project.name, "pulumi:runtime": project.runtime };
    if (project.description !== undefined) {
        tags["pulumi:description"] = project.description;
    }
    return { ...tags, ...project.configTags };
}

/**
 * The resource's provider, as step_generator.go getProviderResource gives it to analyzers; each
 * provider's properties are converted once, however many resources use it.
 */
function providerLookup(byUrn: Map<string, RecordedResource>): (r: RecordedResource) => AnalyzerProvider | undefined {
    const converted = new Map<string, AnalyzerProvider | undefined>();
    return (r) => {
        if (r.provider === "") {
            return undefined;
        }
        const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
        if (!converted.has(urn)) {
            const provider = byUrn.get(urn);
            converted.set(urn, provider && { urn: provider.urn, type: provider.type, name: provider.name, properties: propertiesForAnalyzer(provider.wireInputs) });
        }
        return converted.get(urn);
    };
}

/** A custom resource created from remediated inputs has them in its outputs too. */
function outputsAfterRemediation(r: RecordedResource, inputs: Record<string, unknown> | undefined): Record<string, unknown> {
    if (!r.custom || inputs === undefined || inputs === r.wireInputs) {
        return r.wireOutputs;
    }
    const computed = Object.fromEntries(Object.entries(r.wireOutputs).filter(([key]) => !(key in r.wireInputs)));
    return { ...computed, ...inputs };
}

function toAnalyzerResource(r: RecordedResource, properties: Record<string, unknown>, provider: AnalyzerProvider | undefined): AnalyzerResourceInput {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        properties,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: withoutEmptyLists(r.propertyDependencies),
        protect: r.protect,
        options: r.options,
        provider,
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
