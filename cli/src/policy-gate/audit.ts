/**
 * `npm run audit -- FILE`: the pack on a deployed stack, from what `pulumi stack export` wrote, with
 * the requests `pulumi policy analyze --file FILE --policy-pack policies` sends, in its order
 * (pkg/resource/deploy/analyze_snapshot.go AnalyzeSnapshot; engine/update.go
 * LoadLocalPolicyPackAnalyzers): no ConfigureStack (there is no stack or program, only a file),
 * GetAnalyzerInfo, Configure with the reconciled config; then for each resource not pending
 * deletion, in state order, Remediate and Analyze on its inputs (a remediation is reported, never
 * applied; the pack's info is asked once, the engine caching it); then AnalyzeStack over every resource's outputs, with
 * parent, dependencies and property dependencies from the state. Secrets are redacted to
 * "[secret]", as the engine's blinding provider does when it cannot decrypt them.
 */
import * as path from "path";
import { generateUrn, ROOT_STACK_TYPE } from "../engine/urn";
import { StateDocument, StateResource, urnName, urnStackAndProject } from "../engine/state-document";
import { RecordedResource, unwrapSecrets } from "../recording-monitor";
import { REDACTED, redactStateSecrets } from "../engine/wire";
import { AnalyzerProvider, AnalyzerResourceInput, Diagnostic, TrafficRecorder } from "./analyzer-client";
import { propertiesForAnalyzer } from "./engine-view";
import { withoutEmptyLists } from "./resource-analysis";
import { GateReport, ReportDiagnostic, ReportRemediation, nothingCheckedNotice, stackDiagnosticsIn, stateReportResource } from "./gate";
import { REGISTRY_RULES, defaultPackConfig, resolvePackConfig, stackPackConfig, withoutRegistryLookups } from "./pack-config";
import { serviceRows, stackWorkloads } from "./service-table";
import { BUNDLED_PACK_DIR, startWorkspacePack } from "./workspace-pack";

export interface AuditOptions {
    file: string;
    state: StateDocument;
    /** Which stack's policy config to use (`policies/config/<stack>.json`); default the stack the URNs name. */
    stack?: string;
    policyPackConfig?: string;
    /** Run the registry rules against the registries themselves. */
    registry?: boolean;
    onProgress?: (message: string) => void;
    onTraffic?: TrafficRecorder;
}

/** A state property map with every secret as the blinding provider leaves it: a secret "[secret]". */
function redacted(value: Record<string, unknown> | undefined): Record<string, unknown> {
    return redactStateSecrets(value ?? {}) as Record<string, unknown>;
}

/** The stack the state's URNs name, when they all name one (policy_analyze.go stackReferenceForFile). */
export function stateStack(resources: StateResource[]): { stack: string; project: string } | undefined {
    const names = new Set(resources.map((r) => JSON.stringify(urnStackAndProject(r.urn))));
    return names.size === 1 ? JSON.parse([...names][0]) as { stack: string; project: string } : undefined;
}

export async function runAudit(options: AuditOptions): Promise<GateReport> {
    const progress = options.onProgress ?? (() => undefined);
    const live = options.state.resources.filter((r) => r.delete !== true);
    const named = stateStack(live);
    const stack = options.stack ?? named?.stack ?? "unknown";
    const packConfig = stackPackConfig(BUNDLED_PACK_DIR, stack, options.policyPackConfig);
    const notices: string[] = [];
    if (options.state.secrets > 0) {
        // policy_analyze.go's warning when it falls back to the blinding provider, with the count.
        notices.push(`could not decrypt secrets in ${options.file}; analyzing with secret values redacted ` +
            `(${options.state.secrets} secret value(s), each "${REDACTED}": the audit never decrypts)`);
    }

    progress(`starting the policy pack to audit ${live.length} ${live.length === 1 ? "resource" : "resources"} of ${options.file}…`);
    const pack = await startWorkspacePack();
    try {
        pack.recordTraffic(options.onTraffic);
        const info = await pack.getAnalyzerInfo();
        const { config, warnings } = packConfig.file === undefined ? defaultPackConfig(info) : resolvePackConfig(packConfig.raw, info, packConfig.file);
        if (info.supportsConfig) {
            await pack.configure(options.registry ? config : withoutRegistryLookups(config));
        }
        if (!options.registry && REGISTRY_RULES.some((name) => config[name] !== undefined && config[name].enforcementLevel !== "disabled")) {
            notices.push(`registry rules (${REGISTRY_RULES.join(", ")}) not run: \`--registry\` reads every deployed image from its registry`);
        }

        // analyze_snapshot.go buildSnapshotProviderMap: every provider of the state, deleted ones too, the last of a URN winning.
        const providers = new Map(options.state.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]));
        const providerOf = (r: StateResource): AnalyzerProvider | undefined => {
            const reference = r.provider ?? "";
            const provider = reference === "" ? undefined : providers.get(reference.slice(0, reference.lastIndexOf("::")));
            return provider && { urn: provider.urn, type: provider.type, name: urnName(provider.urn), properties: propertiesForAnalyzer(redacted(provider.inputs)) };
        };
        const analyzerResource = (r: StateResource, properties: Record<string, unknown>): AnalyzerResourceInput => ({
            urn: r.urn, type: r.type, name: urnName(r.urn), properties, parent: r.parent ?? "",
            // analyzer_plugin.go AnalyzeStack: a key with no dependencies is not sent.
            dependencies: r.dependencies ?? [], propertyDependencies: withoutEmptyLists(r.propertyDependencies ?? {}), protect: r.protect ?? false,
            options: {
                ignoreChanges: r.ignoreChanges ?? [], additionalSecretOutputs: r.additionalSecretOutputs ?? [],
                customTimeouts: { create: r.customTimeouts?.create ?? 0, update: r.customTimeouts?.update ?? 0, delete: r.customTimeouts?.delete ?? 0 },
            },
            provider: providerOf(r),
        });

        progress(`analyzing ${live.length} ${live.length === 1 ? "resource" : "resources"}…`);
        const diagnostics: Diagnostic[] = [];
        const remediations: ReportRemediation[] = [];
        for (const r of live) {
            const inputs = redacted(r.inputs);
            for (const remediation of await pack.remediate(analyzerResource(r, propertiesForAnalyzer(inputs, false)))) {
                // analyze_snapshot.go: a remediation's diagnostic is advisory; a fix is reported, the state not modified.
                if (remediation.diagnostic !== "") {
                    diagnostics.push({ policy: remediation.policy, urn: r.urn, level: "advisory", description: remediation.description,
                        severity: "unspecified", message: remediation.diagnostic });
                } else {
                    remediations.push({ policy: remediation.policy, urn: r.urn });
                }
            }
            for (const d of await pack.analyze(analyzerResource(r, propertiesForAnalyzer(inputs)))) {
                diagnostics.push({ ...d, urn: r.urn, level: d.level === "remediate" ? "mandatory" : d.level });
            }
        }
        const stackDiagnostics = await pack.analyzeStack(live.map((r) => analyzerResource(r, propertiesForAnalyzer(redacted(r.outputs)))));
        // analyze_snapshot.go resolveStackPolicyViolationURN: a diagnostic naming no resource of the state goes to the root Stack.
        const known = new Set(live.map((r) => r.urn));
        // snapshotRootStackURN: the state's root Stack (deleted resources searched too), else the
        // default one of the first resource's stack and project.
        const first = options.state.resources[0] && urnStackAndProject(options.state.resources[0].urn);
        const root = options.state.resources.find((r) => r.type === ROOT_STACK_TYPE && (r.parent ?? "") === "")?.urn
            ?? (first ? generateUrn(first.stack, first.project, "", ROOT_STACK_TYPE, `${first.project}-${first.stack}`) : "");
        diagnostics.push(...stackDiagnosticsIn(stackDiagnostics, known, root));

        const report: ReportDiagnostic[] = diagnostics.map((d) => ({ policy: d.policy, urn: d.urn, level: d.level, message: d.message }));
        const recorded = live.map(asRecorded);
        const services = serviceRows(stackWorkloads(recorded), report);
        if (services.length === 0) {
            notices.push(nothingCheckedNotice(live.length));
        }
        return {
            project: named?.project ?? path.basename(options.file),
            stack,
            view: "update",
            resources: live.map((r) => stateReportResource(r)),
            diagnostics: report,
            remediations,
            services,
            configSource: packConfig.source,
            usedPackDefaults: packConfig.usedPackDefaults,
            notices,
            warnings,
        };
    } finally {
        await pack.close();
    }
}

/** A state resource in the shape the plan's table reads. */
function asRecorded(r: StateResource): RecordedResource {
    const wireInputs = redacted(r.inputs);
    return {
        urn: r.urn, type: r.type, name: urnName(r.urn), custom: r.custom ?? false, id: r.id ?? "", remote: false, parent: r.parent ?? "", provider: r.provider ?? "",
        wireInputs, inputs: unwrapSecrets(wireInputs) as Record<string, unknown>, wireOutputs: redacted(r.outputs),
        dependencies: r.dependencies ?? [], propertyDependencies: r.propertyDependencies ?? {}, protect: r.protect ?? false,
        retainOnDelete: r.retainOnDelete ?? false,
        options: { ignoreChanges: r.ignoreChanges ?? [], additionalSecretOutputs: r.additionalSecretOutputs ?? [], customTimeouts: { create: 0, update: 0, delete: 0 } },
    };
}

