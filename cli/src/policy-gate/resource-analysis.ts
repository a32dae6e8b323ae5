import { RecordedResource } from "../recording-monitor";
import { AnalyzerProvider, AnalyzerResourceInput, Diagnostic, PolicyPackProcess } from "./analyzer-client";
import { encodeAnalyzeRequest, encodeAnalyzerResource } from "./analyzer-wire";
import { isInternalPropertyKey, propertiesForAnalyzer } from "./engine-view";
import { isProviderType } from "../engine/default-providers";

/** A policy's remediation that replaced a resource's inputs before analysis. */
export interface ReportRemediation {
    policy: string;
    urn: string;
}

/** How far the analysis is: resources the program registered, and those remediated and analyzed. */
export interface AnalysisCounts {
    registered: number;
    analyzed: number;
}

/** What the per-resource calls found, in registration order, and each resource's AnalyzeStack entry. */
export interface AnalysisResult {
    diagnostics: Diagnostic[];
    remediations: ReportRemediation[];
    /** Encoded AnalyzerResources, in registration order: the AnalyzeStack request. */
    stackEntries: Buffer[];
}

/**
 * A registration as the analysis needs it (what crosses to the pack's worker thread): the
 * recorded resource without its getters, and of its outputs only what the provider computed (a
 * custom resource's outputs are its inputs plus those).
 */
export type AnalysisResource = Pick<RecordedResource,
    "urn" | "type" | "name" | "custom" | "parent" | "provider" | "wireInputs" | "dependencies" | "propertyDependencies" | "protect" | "options"> & {
    computedOutputs: Record<string, unknown>;
};

/** The analysis's view of a recorded registration. */
export function analysisResource(r: RecordedResource): AnalysisResource {
    const computedOutputs: Record<string, unknown> = {};
    if (r.custom) {
        for (const key of Object.keys(r.wireOutputs)) {
            if (!(key in r.wireInputs)) {
                computedOutputs[key] = r.wireOutputs[key];
            }
        }
    }
    return {
        urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, provider: r.provider,
        wireInputs: r.wireInputs, computedOutputs, dependencies: r.dependencies, propertyDependencies: r.propertyDependencies,
        protect: r.protect, options: r.options,
    };
}

/** Remediate and Analyze calls in flight at once: enough to keep the pack busy, bounded for 10k-resource stacks. */
const CONCURRENCY = 32;

interface Outcome {
    found: Diagnostic[];
    remediated: ReportRemediation[];
}

/**
 * Remediate then Analyze for each resource as the program registers it, as the engine does
 * (step_generator.go continueStepsFromImport analyzes a registration when it arrives), while the
 * program goes on registering: the pack, another process, works beside it instead of after it.
 * Results are kept in registration order, so a report is the same whatever the timing. Each
 * resource's AnalyzeStack entry is encoded once its outputs are final (a custom resource's when
 * its remediations are known; a component's, set by registerOutputs, at the end) and only the
 * bytes are kept.
 */
export class ResourceAnalysis {
    /** Registrations in order; a custom resource's is dropped once analyzed (its stack entry is kept as bytes). */
    private readonly resources: (AnalysisResource | undefined)[] = [];
    /** Provider registrations by URN: resources name them as their provider. */
    private readonly providerRegistrations = new Map<string, AnalysisResource>();
    private readonly outcomes: Outcome[] = [];
    private readonly stackEntries: (Buffer | undefined)[] = [];
    private readonly providers = new Map<string, AnalyzerProvider | undefined>();
    private pack: PolicyPackProcess | undefined;
    private next = 0;
    private inFlight = 0;
    private failure: { error: unknown } | undefined;
    private idle: (() => void) | undefined;

    /** @param onAnalyzed called as each resource's Remediate and Analyze have answered. */
    constructor(private readonly onAnalyzed: () => void = () => undefined) {}

    /** A registration, as recorded: it is analyzed as soon as the pack is ready and a slot is free. */
    add(resource: AnalysisResource): void {
        this.resources.push(resource);
        if (isProviderType(resource.type)) {
            this.providerRegistrations.set(resource.urn, resource);
        }
        this.pump();
    }

    /** The pack is configured: analysis starts (registrations so far wait for this). */
    start(pack: PolicyPackProcess): void {
        this.pack = pack;
        this.pump();
    }

    /**
     * Call once the program has finished registering, with the outputs of the components (and the
     * Stack) by index, which they register last: resolves when every resource is analyzed.
     */
    async finish(componentOutputs: Map<number, Record<string, unknown>>): Promise<AnalysisResult> {
        if (this.pack === undefined) {
            throw new Error("ResourceAnalysis.finish before start");
        }
        await new Promise<void>((resolve) => {
            this.idle = resolve;
            this.settleIfDone();
        });
        if (this.failure !== undefined) {
            throw this.failure.error;
        }
        const diagnostics = this.outcomes.flatMap((o) => o.found);
        const remediations = this.outcomes.flatMap((o) => o.remediated);
        // Components' (and the Stack's) outputs are what they registered last; encode them now.
        const stackEntries = this.resources.map((r, i) => this.stackEntries[i] ?? this.encodeStackEntry(r as AnalysisResource, componentOutputs.get(i) ?? {}));
        return { diagnostics, remediations, stackEntries };
    }

    private pump(): void {
        const pack = this.pack;
        while (pack !== undefined && this.failure === undefined && this.inFlight < CONCURRENCY && this.next < this.resources.length) {
            const index = this.next++;
            this.inFlight++;
            this.analyzeOne(pack, index).then((outcome) => {
                this.outcomes[index] = outcome;
                this.onAnalyzed();
            }, (error: unknown) => {
                this.failure ??= { error };
            }).finally(() => {
                this.inFlight--;
                this.pump();
                this.settleIfDone();
            });
        }
    }

    private settleIfDone(): void {
        if (this.idle !== undefined && this.inFlight === 0 && (this.failure !== undefined || this.next === this.resources.length)) {
            this.idle();
        }
    }

    /** step_generator.go: remediations first (each replacing the inputs), then analyze on the final inputs. */
    private async analyzeOne(pack: PolicyPackProcess, index: number): Promise<Outcome> {
        const r = this.resources[index] as AnalysisResource;
        const provider = this.providerOf(r);
        const found: Diagnostic[] = [];
        const remediated: ReportRemediation[] = [];
        let inputs = r.wireInputs;
        // Remediate keeps internal keys (`__defaults`); Analyze drops them. Without any, one encoding serves both.
        const remediateRequest = encodeAnalyzeRequest(toAnalyzerResource(r, propertiesForAnalyzer(inputs, false), provider));
        for (const remediation of await pack.remediateEncoded(remediateRequest, r.urn)) {
            if (remediation.diagnostic !== "") {
                found.push({ policy: remediation.policy, urn: r.urn, level: "advisory", message: remediation.diagnostic,
                    description: remediation.description, severity: "unspecified" });
            } else if (remediation.properties !== undefined) {
                inputs = remediation.properties;
                remediated.push({ policy: remediation.policy, urn: r.urn });
            }
        }
        const analyzeRequest = inputs === r.wireInputs && !Object.keys(inputs).some(isInternalPropertyKey)
            ? remediateRequest
            : encodeAnalyzeRequest(toAnalyzerResource(r, propertiesForAnalyzer(inputs), provider));
        const analyzed = await pack.analyzeEncoded(analyzeRequest, r.urn);
        // analyze_snapshot.go analyzeResource: a diagnostic belongs to the analyzed resource, and a
        // remediate-level violation that remains is mandatory.
        found.push(...analyzed.map((d) => ({ ...d, urn: r.urn, level: d.level === "remediate" ? "mandatory" as const : d.level })));
        if (r.custom) {
            this.stackEntries[index] = this.encodeStackEntry(r, outputsAfterRemediation(r, inputs));
            // Only the bytes are needed from here on: on a 10,000-resource stack this is most of the thread's memory.
            this.resources[index] = undefined;
        }
        return { found, remediated };
    }

    /** step_generator.go AnalyzeResources: each resource with its outputs, parent and dependencies. */
    private encodeStackEntry(r: AnalysisResource, outputs: Record<string, unknown>): Buffer {
        return encodeAnalyzerResource(toAnalyzerResource(r, propertiesForAnalyzer(outputs), this.providerOf(r)));
    }

    /**
     * The resource's provider, as step_generator.go getProviderResource gives it to analyzers; each
     * provider's properties are converted once (and encoded once), however many resources use it.
     */
    private providerOf(r: AnalysisResource): AnalyzerProvider | undefined {
        if (r.provider === "") {
            return undefined;
        }
        const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
        if (!this.providers.has(urn)) {
            const provider = this.providerRegistrations.get(urn);
            this.providers.set(urn, provider && { urn: provider.urn, type: provider.type, name: provider.name, properties: propertiesForAnalyzer(provider.wireInputs) });
        }
        return this.providers.get(urn);
    }
}

/** A custom resource's outputs: what the provider computed, and its inputs (remediated ones if a policy replaced them). */
function outputsAfterRemediation(r: AnalysisResource, inputs: Record<string, unknown>): Record<string, unknown> {
    return { ...r.computedOutputs, ...inputs };
}

function toAnalyzerResource(r: AnalysisResource, properties: Record<string, unknown>, provider: AnalyzerProvider | undefined): AnalyzerResourceInput {
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
export function withoutEmptyLists(dependencies: Record<string, string[]>): Record<string, string[]> {
    return Object.fromEntries(Object.entries(dependencies).filter(([, urns]) => urns.length > 0));
}
