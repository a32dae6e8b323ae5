import * as path from "path";
import { parseStackConfig } from "../../infra/config";
import { deploymentNotices } from "../../infra/deployment-notices";
import { ROOT_STACK_TYPE, generateUrn } from "../engine/urn";
import { RecordedResource, SECRET_SIG, replaceSigned } from "../recording-monitor";
import { REDACTED, redactStateSecrets } from "../engine/wire";
import { PriorState, StepAction } from "../engine/prior-state";
import { StateDocument, StateResource, urnName } from "../engine/state-document";
import { ProjectFile, readProjectFile, readStackFile } from "../stack-file";
import { Diagnostic, TrafficRecorder } from "./analyzer-client";
import { ReportDiagnostic, ReportResource } from "./report-types";
import { REGISTRY_RULES, stackPackConfig } from "./pack-config";
import { PackSession, PackVerdicts } from "./pack-session";
import { AnalysisCounts, ReportRemediation, withoutEmptyLists } from "./resource-analysis";
export type { ReportRemediation } from "./resource-analysis";
import { unexpandedComponents } from "./remote-components";
import { runProgramUnderMocks } from "./run-program";
import { ServiceRow, deletedRows, serviceRows, stackWorkloads } from "./service-table";
import { WORKSPACE_PACK_DIR } from "./workspace-pack";
import { RegistryConfig } from "../../policies/lib/registry-lookup";
import { CostReport, estimateCost, instanceTypesToAsk } from "../cost/estimate";
import { ImageFacts } from "../cost/image-facts";
import { PriceLookup } from "../cost/live-prices";
import { usageByService } from "../cost/usage";

/** What `secret` values look like in the report: never their plaintext. */
export { REDACTED };

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
    /** Called as resources are registered and analyzed (for a progress line); often, so keep it cheap. */
    onCounts?: (counts: AnalysisCounts) => void;
    /** Called once the pack has stopped, with its peak RSS (the bench reads it). */
    onPackClosed?: (usage: { peakRssKb: number }) => void;
    /** Sees every request sent to the pack (the conformance suite records them). */
    onTraffic?: TrafficRecorder;
    /** `--state`: the deployed stack's `pulumi stack export`; the preview is then an update's (prior-state.ts). */
    state?: StateDocument;
    /** Estimate what each workload costs (the plan's cost table): where the prices of the stack's region come from. */
    cost?: { prices(region: string | undefined, instanceTypes: readonly string[]): Promise<PriceLookup> };
}

// A report's resources and diagnostics (report-types.ts, which the service table reads too).
export type { ReportDiagnostic, ReportResource } from "./report-types";

export interface GateReport {
    /** Not in --json output: the project's name (Pulumi.yaml), for the report's header. */
    project: string;
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
    /** With GateOptions.cost: what each workload costs a month, and on the other architecture. */
    cost?: CostReport;
}

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
    const settings = project.name === "polyarch" ? parseStackConfig(stackFile.config, { stack: options.stack, projectRoot }) : undefined;
    const notices = settings === undefined ? [] : deploymentNotices(settings);

    const packConfig = stackPackConfig(options.packDir ?? WORKSPACE_PACK_DIR, options.stack, options.policyPackConfig);

    progress(`starting the policy pack and running ${path.relative(process.cwd(), project.entry) || project.entry} for stack '${options.stack}' (${view})…`);
    const programWarnings = [...project.entryWarnings];
    // The pack (run as the CLI runs it: its package `main`) lives on a worker thread that analyzes
    // each registration as it comes, the program running here meanwhile (pack-worker.ts says why).
    const pack = new PackSession({
        packDir: options.packDir,
        stack: {
            stack: options.stack,
            project: project.name,
            organization: process.env.PULUMI_ORGANIZATION ?? "",
            dryRun: view === "preview",
            tags: stackTags(project),
            config: stackFile.config,
            configSecretKeys: stackFile.secretKeys,
        },
        rawPackConfig: packConfig.raw,
        configFile: packConfig.file,
        registry: options.registry ?? false,
    }, options.onTraffic);
    const onCounts = options.onCounts;
    const prior = options.state === undefined ? undefined : new PriorState(options.state.resources);
    if (prior !== undefined && view !== "preview") {
        throw new Error("--state is for a preview (an update's preview of the deployed stack); leave out --update");
    }
    try {
        const [run, ready] = await Promise.allSettled([
            runProgramUnderMocks(project.entry, project.name, stackFile, view === "preview", (r) => {
                pack.add(r);
                onCounts?.(pack.countsNow());
            }, { workingDirectory: project.workingDirectory, esModule: project.esModule, tsconfig: project.tsconfig, projectRoot: project.root, prior }),
            pack.ready,
        ]);
        // What the program did wrong comes first; then why the pack could not start or be configured.
        if (run.status === "rejected") {
            throw run.reason;
        }
        if (ready.status === "rejected") {
            throw ready.reason;
        }
        const recorded = run.value.resources;
        // The report follows the program's order, not the order registrations happened to finish
        // in: the same program gives the same report (run-program.ts programOrder).
        const order = run.value.programOrder;
        const inProgramOrder = order.map((i) => recorded[i]);
        programWarnings.push(...run.value.warnings);
        const { registryRulesEnabled } = ready.value;
        const warnings = [...programWarnings, ...ready.value.warnings];
        progress(`analyzing ${recorded.length} ${recorded.length === 1 ? "resource" : "resources"}…`);
        if (!options.registry && registryRulesEnabled) {
            notices.push(`registry rules (${REGISTRY_RULES.join(", ")}) not run: the plan's digests are made up. ` +
                "`--registry` runs them against the registries themselves (ECR with your AWS credentials, others from the policy config)");
        }
        // The program is done and the loop is free again: a timer keeps the analyzed count moving.
        const ticker = onCounts && setInterval(() => onCounts(pack.countsNow()), 100);
        let verdicts: PackVerdicts;
        try {
            verdicts = await pack.verdicts(recorded, order);
        } finally {
            clearInterval(ticker);
        }
        onCounts?.(pack.countsNow());

        // step_generator.go AnalyzeResources: a stack diagnostic naming no resource of the stack
        // belongs to the default root Stack URN.
        const known = new Set(recorded.map((r) => r.urn));
        const rootStackUrn = generateUrn(options.stack, project.name, "", ROOT_STACK_TYPE, `${project.name}-${options.stack}`);
        const diagnostics = [...verdicts.diagnostics, ...stackDiagnosticsIn(verdicts.stackDiagnostics, known, rootStackUrn)];
        const unexpanded = unexpandedComponents(recorded, ready.value.config);
        notices.push(...unexpanded.notices);
        const reportDiagnostics = [...diagnostics.map((d) => ({ policy: d.policy, urn: d.urn, level: d.level, message: d.message })),
            ...unexpanded.diagnostics];
        // step_generator.go: what the state holds and the program no longer registers is deleted.
        const deletes = prior?.unmatched().map((r) => stateReportResource(r, "delete")) ?? [];
        // The graph, its index and its workloads, once, for the table and the cost estimate.
        const stack = stackWorkloads(inProgramOrder);
        const services = [...serviceRows(stack, reportDiagnostics), ...deletedRows(deletes)];
        if (services.length === 0 && unexpanded.diagnostics.length === 0) {
            notices.push(nothingCheckedNotice(recorded.length));
        }
        let cost: CostReport | undefined;
        if (options.cost !== undefined) {
            // The AWS provider's own order: the stack's aws:region, else AWS_REGION, else AWS_DEFAULT_REGION.
            const configured = stackFile.config["aws:region"];
            const region = typeof configured === "string" ? configured : process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
            const prices = await options.cost.prices(region, instanceTypesToAsk(stack.graph));
            notices.push(...prices.notices);
            // --registry: pinned images' indexes are read as the registry rule reads them, with its settings.
            const registry = options.registry ? (ready.value.config[REGISTRY_RULES[0]]?.properties ?? {}) as RegistryConfig : undefined;
            cost = await estimateCost(stack, {
                prices: prices.book, region, usage: usageByService(settings?.services ?? []),
                images: new ImageFacts(project.workingDirectory, registry),
            });
        }
        return {
            project: project.name,
            stack: options.stack,
            view,
            resources: [...inProgramOrder.map((r) => toReportResource(r, known)), ...deletes],
            diagnostics: reportDiagnostics,
            remediations: verdicts.remediations,
            services,
            configSource: packConfig.source,
            usedPackDefaults: packConfig.usedPackDefaults,
            notices,
            warnings,
            ...(cost === undefined ? {} : { cost }),
        };
    } finally {
        // Never leave the pack running: not on success, not on a failed program or a crashed pack.
        // (Closed before the callback is looked at: `f?.(await close())` would skip the close.)
        const peakRssKb = await pack.close();
        options.onPackClosed?.({ peakRssKb });
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
 * analyze_snapshot.go: a stack diagnostic naming no resource of the stack belongs to the root Stack,
 * and a remediate-level one that remains is mandatory.
 */
export function stackDiagnosticsIn(diagnostics: Diagnostic[], known: ReadonlySet<string>, rootStackUrn: string): Diagnostic[] {
    return diagnostics.map((d) => ({ ...d, urn: known.has(d.urn) ? d.urn : rootStackUrn, level: d.level === "remediate" ? "mandatory" : d.level }));
}

/** Never a bare PASS after checking nothing: what the plan and the audit say when no resource runs an image. */
export function nothingCheckedNotice(resources: number): string {
    return `nothing to check: none of the ${resources} resources runs a container image (an image Lambda, an ECS task definition ` +
        "or service, an Express or App Runner service, a Kubernetes workload), so no architecture was checked";
}

/** A resource of a state file as the report lists it (secrets redacted); `action` for `--state`'s deletes. */
export function stateReportResource(r: StateResource, action?: StepAction): ReportResource {
    return {
        urn: r.urn, type: r.type, name: urnName(r.urn), ...(action === undefined ? {} : { action }), parent: r.parent ?? "",
        inputs: redactSecrets(redactStateSecrets(r.inputs ?? {})) as Record<string, unknown>,
        dependencies: r.dependencies ?? [], propertyDependencies: r.propertyDependencies ?? {},
    };
}

function toReportResource(r: RecordedResource, known: Set<string>): ReportResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        ...(r.action === undefined ? {} : { action: r.action }),
        parent: r.parent,
        inputs: redactSecrets(r.wireInputs) as Record<string, unknown>,
        dependencies: r.dependencies.filter((urn) => known.has(urn)),
        propertyDependencies: withoutEmptyLists(Object.fromEntries(Object.entries(r.propertyDependencies)
            .map(([key, urns]) => [key, urns.filter((urn) => known.has(urn))]))),
    };
}

/** Replaces every secret-wrapped value with {@link REDACTED}. */
export function redactSecrets(value: unknown): unknown {
    return replaceSigned(value, SECRET_SIG, () => REDACTED);
}
