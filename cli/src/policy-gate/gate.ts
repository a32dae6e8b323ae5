import * as path from "path";
import { ROOT_STACK_TYPE, generateUrn } from "../engine/urn";
import { RecordedResource, SECRET_SIG, replaceSigned } from "../recording-monitor";
import { REDACTED, redactStateSecrets } from "../engine/wire";
import { PriorState, StepAction } from "../engine/prior-state";
import { StateDocument, StateResource, urnName } from "../engine/state-document";
import { ProjectFile, defaultStack, findProjectRoot, readProjectFile, readStackFile } from "../stack-file";
import { PackChoice } from "../pack-choice";
import { Diagnostic, TrafficRecorder } from "./analyzer-client";
import { ReportDiagnostic, ReportResource } from "./report-types";
import { REGISTRY_RULES, stackPackConfig } from "./pack-config";
import { PackSession, PackVerdicts } from "./pack-session";
import { AnalysisCounts, ReportRemediation, withoutEmptyLists } from "./resource-analysis";
export type { ReportRemediation } from "./resource-analysis";
import { unexpandedComponents } from "./remote-components";
import { runProgramUnderMocks } from "./run-program";
import { ServiceRow, deletedRows, serviceRows, stackWorkloads } from "./service-table";
import { BUNDLED_PACK_DIR } from "./workspace-pack";
import { RegistryConfig } from "polyarch-policies/dist/lib/registry-lookup";
import { CostReport, estimateCost, instanceTypesToAsk } from "../cost/estimate";
import { ImageFacts } from "../cost/image-facts";
import { PriceLookup } from "../cost/live-prices";
import { usageFromStackConfig } from "../cost/usage";

/** What `secret` values look like in the report: never their plaintext. */
export { REDACTED };

/** `preview` (default): what `pulumi preview --policy-pack` sends. `update`: what `pulumi up` sends once outputs are known. */
export type GateView = "preview" | "update";

export interface GateOptions {
    /** Directory of the Pulumi project to plan (its Pulumi.yaml names the program). Default: the nearest holding Pulumi.yaml, from the working directory up. */
    projectDir?: string;
    /** Default: the project's only stack, else `dev` (stack-file.ts defaultStack). */
    stack?: string;
    /**
     * The policy packs (`--policy-pack`), in the order the report lists their findings, each with its
     * `--policy-pack-config` (the bundled pack's default: policies/config/<stack>.json in this
     * repository, else its defaults). Default: the bundled polyarch pack alone.
     */
    packs?: PackChoice[];
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
    /** Which policy config each pack used ("pack defaults" when none), named by pack when more than one runs. */
    configSource: string;
    /** The only pack ran with its defaults (no config file): said in a notice. */
    usedPackDefaults: boolean;
    /** Not in --json output (printed to stderr there): what deploying this stack needs that no policy enforces. */
    notices: string[];
    /** Policy config the engine accepts but that is probably a mistake (printed to stderr). */
    warnings: string[];
    /** With GateOptions.cost: what each workload costs a month, and on the other architecture. */
    cost?: CostReport;
}

/**
 * The offline gate: read the project and its stack file, run the real program under mocks while
 * the policy packs start, then speak to each pack as the engine does during `pulumi preview
 * --policy-pack` (or `pulumi up` with view "update"): ConfigureStack, GetAnalyzerInfo, Configure
 * with the reconciled config, Remediate then Analyze for every registered resource (components,
 * the Stack and providers included), and AnalyzeStack over every resource's outputs.
 */
export async function runGate(options: GateOptions): Promise<GateReport> {
    const progress = options.onProgress ?? (() => undefined);
    const view = options.view ?? "preview";
    const projectRoot = options.projectDir === undefined ? findProjectRoot(process.cwd()) : path.resolve(options.projectDir);
    const project = readProjectFile(projectRoot);
    const stack = options.stack ?? defaultStack(projectRoot);
    const stackFile = readStackFile(projectRoot, stack);
    const notices: string[] = [];

    const prior = options.state === undefined ? undefined : new PriorState(options.state.resources);
    if (prior !== undefined && view !== "preview") {
        throw new Error("--state is for a preview (an update's preview of the deployed stack); leave out --update");
    }
    const choices = options.packs ?? [{}];
    const packConfigs = choices.map((choice) => stackPackConfig(choice.dir ?? BUNDLED_PACK_DIR, stack, choice.config, choice.dir === undefined));

    const packWord = choices.length === 1 ? "the policy pack" : `${choices.length} policy packs`;
    progress(`starting ${packWord} and running ${path.relative(process.cwd(), project.entry) || project.entry} for stack '${stack}' (${view})…`);
    const programWarnings = [...project.entryWarnings];
    // Each pack (run as the CLI runs it: its package `main`) lives on a worker thread that analyzes
    // each registration as it comes, the program running here meanwhile (pack-worker.ts says why).
    const packs = choices.map((choice, i) => new PackSession({
        packDir: choice.dir,
        stack: {
            stack,
            project: project.name,
            organization: process.env.PULUMI_ORGANIZATION ?? "",
            dryRun: view === "preview",
            tags: stackTags(project),
            config: stackFile.config,
            configSecretKeys: stackFile.secretKeys,
        },
        rawPackConfig: packConfigs[i].raw,
        configFile: packConfigs[i].file,
        registry: options.registry ?? false,
    }, options.onTraffic));
    // The bundled pack, if it runs: its rules' config decides the notices about them below.
    const bundled = choices.findIndex((choice) => choice.dir === undefined);
    const countsNow = (): AnalysisCounts => {
        const all = packs.map((pack) => pack.countsNow());
        return { registered: all[0].registered, analyzed: Math.min(...all.map((c) => c.analyzed)) };
    };
    const onCounts = options.onCounts;
    try {
        const [run, ready] = await Promise.allSettled([
            runProgramUnderMocks(project.entry, project.name, stackFile, view === "preview", (r) => {
                packs.forEach((pack) => pack.add(r));
                onCounts?.(countsNow());
            }, { workingDirectory: project.workingDirectory, esModule: project.esModule, tsconfig: project.tsconfig, projectRoot: project.root, prior }),
            Promise.all(packs.map((pack) => pack.ready)),
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
        // What the program said with pulumi.log (the CLI shows it as diagnostics): info as notices, warnings as warnings.
        notices.push(...run.value.logs.filter((l) => l.severity === "info").map((l) => l.message));
        programWarnings.push(...run.value.logs.flatMap((l) => (l.severity === "warning" ? [l.message]
            : l.severity === "error" ? [`the program logged an error: ${l.message}`] : [])));
        const readies = ready.value;
        const bundledConfig = bundled < 0 ? undefined : readies[bundled].config;
        const warnings = [...programWarnings, ...readies.flatMap((r) => r.warnings)];
        progress(`analyzing ${recorded.length} ${recorded.length === 1 ? "resource" : "resources"}…`);
        if (!options.registry && bundled >= 0 && readies[bundled].registryRulesEnabled) {
            notices.push(`registry rules (${REGISTRY_RULES.join(", ")}) not run: the plan's digests are made up. ` +
                "`--registry` runs them against the registries themselves (ECR with your AWS credentials, others from the policy config)");
        }
        // The program is done and the loop is free again: a timer keeps the analyzed count moving.
        const ticker = onCounts && setInterval(() => onCounts(countsNow()), 100);
        let verdicts: PackVerdicts[];
        try {
            verdicts = await Promise.all(packs.map((pack) => pack.verdicts(recorded, order)));
        } finally {
            clearInterval(ticker);
        }
        onCounts?.(countsNow());
        // step_generator.go: the engine remediates pack by pack, each pack's output the next one's
        // input, then analyzes the result; here each pack sees the program's own inputs.
        if (packs.length > 1 && verdicts.some((v) => v.remediations.length > 0)) {
            warnings.push("more than one pack runs and one remediates: the gate does not feed one pack's remediated inputs to the next, " +
                "as the engine does, so each pack judged the program's own inputs");
        }

        // step_generator.go AnalyzeResources: a stack diagnostic naming no resource of the stack
        // belongs to the default root Stack URN. The engine analyzes with every pack at once, in no
        // set order (packs are added as they finish loading): the report lists the resources'
        // findings in program order, each resource's in the order the packs were named (the sort
        // is stable), then the stack's findings pack by pack.
        const known = new Set(recorded.map((r) => r.urn));
        const rootStackUrn = generateUrn(stack, project.name, "", ROOT_STACK_TYPE, `${project.name}-${stack}`);
        const rank = new Map(order.map((index, position) => [recorded[index].urn, position]));
        const byResource = <T extends { urn: string }>(items: T[]) => items.sort((a, b) => (rank.get(a.urn) ?? Infinity) - (rank.get(b.urn) ?? Infinity));
        const withPack = (items: Diagnostic[], i: number) => items.map((d) => ({ ...d, pack: readies[i].packName }));
        const diagnostics = [
            ...byResource(verdicts.flatMap((v, i) => withPack(v.diagnostics, i))),
            ...verdicts.flatMap((v, i) => withPack(stackDiagnosticsIn(v.stackDiagnostics, known, rootStackUrn), i)),
        ];
        const unexpanded = bundledConfig === undefined ? { notices: [], diagnostics: [] } : unexpandedComponents(recorded, bundledConfig);
        notices.push(...unexpanded.notices);
        // With more than one pack, each diagnostic names its pack.
        const packOf = (pack: string) => (packs.length > 1 ? { policyPack: pack } : {});
        const reportDiagnostics: ReportDiagnostic[] = [
            ...diagnostics.map((d) => ({ ...packOf(d.pack), policy: d.policy, urn: d.urn, level: d.level, message: d.message })),
            ...unexpanded.diagnostics.map((d) => ({ ...packOf(readies[bundled]?.packName ?? ""), ...d }))];
        // step_generator.go: what the state holds and the program no longer registers is deleted.
        const deletes = prior?.unmatched().map((r) => stateReportResource(r, "delete")) ?? [];
        // The graph, its index and its workloads, once, for the table and the cost estimate.
        const workloads = stackWorkloads(inProgramOrder);
        const services = [...serviceRows(workloads, reportDiagnostics), ...deletedRows(deletes)];
        if (services.length === 0 && unexpanded.diagnostics.length === 0) {
            notices.push(nothingCheckedNotice(recorded.length));
        }
        let cost: CostReport | undefined;
        if (options.cost !== undefined) {
            // The AWS provider's own order: the stack's aws:region, else AWS_REGION, else AWS_DEFAULT_REGION.
            const configured = stackFile.config["aws:region"];
            const region = typeof configured === "string" ? configured : process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
            const prices = await options.cost.prices(region, instanceTypesToAsk(workloads.graph));
            notices.push(...prices.notices);
            // --registry: pinned images' indexes are read as the registry rule reads them, with its settings.
            const registry = options.registry ? (bundledConfig?.[REGISTRY_RULES[0]]?.properties ?? {}) as RegistryConfig : undefined;
            cost = await estimateCost(workloads, {
                prices: prices.book, region, usage: usageFromStackConfig(stackFile.config),
                images: new ImageFacts(project.workingDirectory, registry),
            });
        }
        return {
            project: project.name,
            stack,
            view,
            resources: [...inProgramOrder.map((r) => toReportResource(r, known)), ...deletes],
            diagnostics: reportDiagnostics,
            remediations: byResource(verdicts.flatMap((v) => v.remediations)),
            services,
            configSource: packs.length === 1 ? packConfigs[0].source : packConfigs.map((c, i) => `${readies[i].packName}: ${c.source}`).join("; "),
            usedPackDefaults: packs.length === 1 && packConfigs[0].usedPackDefaults,
            notices,
            warnings,
            ...(cost === undefined ? {} : { cost }),
        };
    } finally {
        // Never leave a pack running: not on success, not on a failed program or a crashed pack.
        // (Closed before the callback is looked at: `f?.(await close())` would skip the close.)
        const peaks = await Promise.all(packs.map((pack) => pack.close()));
        options.onPackClosed?.({ peakRssKb: Math.max(...peaks) });
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
