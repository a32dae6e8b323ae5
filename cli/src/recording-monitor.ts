import * as pulumi from "@pulumi/pulumi";
import * as callbackPb from "@pulumi/pulumi/proto/callback_pb";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb";
import { deserializeProperty, serializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { defaultProviderInputs, defaultProviderName, isProviderType, packageOf, providerType } from "./engine/default-providers";
import { previewOutputs } from "./engine/provider-previews";
import { withProviderDefaults } from "./engine/provider-schema";
import { TransformRunner, TransformTarget } from "./engine/transforms";
import { EngineError, duplicateUrnMessage, generateUrn } from "./engine/urn";

import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL, redactStateSecrets, replaceSigned } from "./engine/wire";
import { AliasSpec, PriorState, StepAction, aliasUrns, sameInputs } from "./engine/prior-state";
import { StateResource } from "./engine/state-document";

export { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL, replaceSigned };

/** The resource options the engine hands analyzers (AnalyzerResourceOptions), beyond protect and parent. */
export interface RecordedOptions {
    ignoreChanges: string[];
    /** Undefined when the program did not say. */
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs: string[];
    /** Seconds, as the engine parses the SDK's duration strings. */
    customTimeouts: { create: number; update: number; delete: number };
}

/** One registration as the engine would see it, including what the stock mocks drop. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** The provider's id for a custom resource (unknown in a preview of a create); "" for a component. */
    id: string;
    /** A multi-language component (`remote: true`): the engine would have its provider construct its children. */
    remote: boolean;
    /** The step a preview of this registration is, against a deployed stack's state (MonitorOptions.prior); absent without one. */
    action?: StepAction;
    parent: string;
    /** Provider reference `<urn>::<id>`; a default provider's when the program named none (custom resources only). */
    provider: string;
    /** Inputs on the wire after transforms: secrets still wrapped, unknowns still the sentinel (what `analyze` gets). */
    wireInputs: Record<string, unknown>;
    /** Inputs with secrets unwrapped, as the provider would receive them (computed on each read). */
    readonly inputs: Record<string, unknown>;
    /**
     * What `analyzeStack` gets: a custom resource's inputs plus what its provider computes (unknown
     * during a preview); a component's or the Stack's registered outputs.
     */
    wireOutputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
    options: RecordedOptions;
}

export function unwrapSecrets(value: unknown): unknown {
    return replaceSigned(value, SECRET_SIG, (secret) => unwrapSecrets(secret.value));
}

/** Whether a wire value is, or holds, the unknown sentinel. */
export function containsUnknownSentinel(value: unknown): boolean {
    if (value === UNKNOWN_SENTINEL) {
        return true;
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value as Record<string, unknown>).some(containsUnknownSentinel);
    }
    return false;
}

/** Minimal view of the generated RegisterResourceRequest used here. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getRemote(): boolean;
    getProvider(): string;
    getVersion(): string;
    getImportid(): string;
    getProtect(): boolean | undefined;
    hasProtect?(): boolean;
    getRetainondelete(): boolean | undefined;
    hasRetainondelete?(): boolean;
    getDeletebeforereplace(): boolean;
    getDeletebeforereplacedefined(): boolean;
    getIgnorechangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getTransformsList(): callbackPb.Callback[];
    getAliasesList(): { getUrn(): string; hasSpec(): boolean; getSpec(): AliasSpecMessage | undefined }[];
    getAliasurnsList(): string[];
}

interface AliasSpecMessage {
    getName(): string;
    getType(): string;
    getStack(): string;
    getProject(): string;
    getParenturn(): string;
    getNoparent(): boolean;
}

/** A registration's aliases as URNs (alias.proto: a URN, or a spec completed from the resource itself). */
function registeredAliasUrns(req: RegisterRequest, own: { type: string; name: string; parent: string }): string[] {
    const specs: AliasSpec[] = req.getAliasesList().map((alias) => {
        const spec = alias.hasSpec() ? alias.getSpec() : undefined;
        return spec === undefined ? { urn: alias.getUrn() } : {
            name: spec.getName(), type: spec.getType(), stack: spec.getStack(), project: spec.getProject(),
            parentUrn: spec.getParenturn(), noParent: spec.getNoparent(),
        };
    });
    return [...req.getAliasurnsList(), ...aliasUrns(specs, { stack: pulumi.getStack(), project: pulumi.getProject(), ...own })];
}

type Callback<T> = (err: unknown, response: T | undefined) => void;

export interface MonitorOptions {
    /** Run as `pulumi preview`: ids and provider-computed outputs are unknown. Default false (an update). */
    preview?: boolean;
    /**
     * The stack's config, to give custom resources registered without a provider the engine's
     * default provider (`pulumi:providers:<pkg>::default_<version>`). Without it no provider is resolved.
     */
    defaultProviderConfig?: Record<string, string>;
    /**
     * Sees each registration as soon as it is recorded, in the order of `recorded` (the engine
     * analyzes a resource when its registration arrives). A component's outputs come later.
     */
    onRecorded?: (resource: RecordedResource) => void;
    /**
     * Custom resources a preview treats as unchanged from a deployed stack (the engine's `same`
     * step): their outputs and ids are known, as the state gives them. Default none.
     */
    sameInPreview?: (type: string) => boolean;
    /**
     * A deployed stack's state (`plan --state`): each registration is matched with it by URN or
     * alias, and in a preview a `same` gets the state's id and outputs, an `update` the state's id
     * and its computed outputs unknown, as the engine's steps give them.
     */
    prior?: PriorState;
}

/**
 * A MockMonitor that behaves as the Pulumi engine's resource monitor where a policy can tell:
 * engine URNs and the duplicate-URN refusal, resource/parent/stack transforms, default providers,
 * preview unknowns; and records each registration with its parent, dependencies,
 * propertyDependencies and options, which the stock mocks discard. The policy pack needs that graph.
 */
export class RecordingMonitor extends MockMonitor {
    public readonly recorded: RecordedResource[] = [];
    /** What the engine would have refused (a duplicate URN): the preview fails with these. */
    public readonly errors: string[] = [];
    private readonly byUrn = new Map<string, RecordedResource>();
    /** Every URN registered so far, reserved when its registration arrives (before it is recorded). */
    private readonly urns = new Set<string>();
    private readonly parents = new Map<string, string>();
    private readonly ownTransforms = new Map<string, callbackPb.Callback[]>();
    private readonly stackTransforms: callbackPb.Callback[] = [];
    private readonly defaultProviders = new Map<string, Promise<string>>();
    private readonly transforms = new TransformRunner();
    private readonly preview: boolean;

    constructor(mocks: pulumi.runtime.Mocks, private readonly options: MonitorOptions = {}) {
        super(mocks);
        this.preview = options.preview ?? false;
        // The stock mocks' URNs keep only the last parent type (and the Stack); reads use the engine's too.
        (this as unknown as { newUrn(parent: string, type: string, name: string): string }).newUrn =
            (parent, type, name) => generateUrn(pulumi.getStack(), pulumi.getProject(), parent, type, name);
    }

    override async registerResource(req: RegisterRequest, callback: Callback<unknown>): Promise<void> {
        try {
            callback(null, await this.register(req));
        } catch (err) {
            callback(err, undefined);
        }
    }

    override registerStackTransform(req: callbackPb.Callback, callback: Callback<unknown>): void {
        this.stackTransforms.push(req);
        callback(null, {});
    }

    override registerResourceOutputs(req: { getUrn(): string; getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined }, callback: Callback<unknown>): void {
        const recorded = this.byUrn.get(req.getUrn());
        if (recorded) {
            recorded.wireOutputs = req.getOutputs()?.toJavaScript() ?? {};
        }
        super.registerResourceOutputs(req, callback);
    }

    /** Closes the clients of the program's callback server. */
    close(): void {
        this.transforms.close();
    }

    private async register(req: RegisterRequest) {
        const parent = req.getParent();
        const own = req.getTransformsList();
        // Engine order: this resource's transforms, then each ancestor's (nearest first), then the stack's.
        const chain = [...own];
        for (let ancestor = parent; ancestor !== ""; ancestor = this.parents.get(ancestor) ?? "") {
            chain.push(...(this.ownTransforms.get(ancestor) ?? []));
        }
        chain.push(...this.stackTransforms);
        let target: TransformTarget = {
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent,
            properties: req.getObject()?.toJavaScript() ?? {},
            options: {
                dependsOn: req.getDependenciesList(),
                protect: req.hasProtect?.() === false ? undefined : req.getProtect(),
                ignoreChanges: req.getIgnorechangesList(),
                retainOnDelete: req.hasRetainondelete?.() === false ? undefined : req.getRetainondelete(),
                deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                provider: req.getProvider(),
                version: req.getVersion(),
            },
        };
        if (chain.length > 0) {
            target = await this.transforms.run(chain, target);
        }

        const { type, name, custom } = target;
        // What the engine analyzes comes after the provider's Check, which fills in its defaults.
        if (custom) {
            target.properties = withProviderDefaults(type, target.properties);
        }
        const urn = generateUrn(pulumi.getStack(), pulumi.getProject(), parent, type, name);
        // Checked and reserved in one synchronous step, before anything below is awaited: a loop
        // registers its resources back to back, and the second must not pass the check while the
        // first is still with its provider (the engine's step generator refuses it at once).
        if (this.urns.has(urn)) {
            const message = duplicateUrnMessage(urn);
            this.errors.push(message);
            throw new EngineError(message);
        }
        this.urns.add(urn);
        let provider = target.options.provider;
        if (custom && provider === "" && !isProviderType(type) && this.options.defaultProviderConfig !== undefined) {
            provider = await this.defaultProvider(packageOf(type), target.options.version);
        }
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((value, key) => { propertyDependencies[key] = value.getUrnsList(); });
        const timeouts = req.getCustomtimeouts();
        const prior = this.options.prior?.match(urn, registeredAliasUrns(req, { type, name, parent }));
        const action: StepAction | undefined = this.options.prior === undefined ? undefined
            : prior === undefined ? "create" : sameInputs(prior.inputs ?? {}, target.properties) ? "same" : "update";
        const { id, wireOutputs } = await this.provide(urn, type, name, custom, provider, target.properties, req.getImportid(),
            prior && action !== undefined ? { action, state: prior } : undefined, req.getRemote());
        this.record({
            urn, type, name, custom, id, remote: req.getRemote(), ...(action === undefined ? {} : { action }), parent, provider,
            wireInputs: target.properties,
            wireOutputs,
            dependencies: target.options.dependsOn,
            propertyDependencies,
            protect: target.options.protect ?? false,
            retainOnDelete: target.options.retainOnDelete ?? false,
            options: {
                ignoreChanges: target.options.ignoreChanges,
                deleteBeforeReplace: target.options.deleteBeforeReplace,
                additionalSecretOutputs: target.options.additionalSecretOutputs,
                customTimeouts: {
                    create: durationSeconds(timeouts?.getCreate()),
                    update: durationSeconds(timeouts?.getUpdate()),
                    delete: durationSeconds(timeouts?.getDelete()),
                },
            },
        });
        if (own.length > 0) {
            this.ownTransforms.set(urn, own);
        }
        const response = new resourcePb.RegisterResourceResponse();
        response.setUrn(urn);
        response.setId(id);
        response.setObject(Struct.fromJavaScript(wireOutputs as Record<string, never>));
        return response;
    }

    /**
     * The provider's part: the mocks give the id and state. A custom resource's outputs are its
     * inputs plus what the provider computes, and during a preview those computed values, and the
     * id of a resource to be created, are unknown (what a provider's preview of a create returns).
     */
    private async provide(urn: string, type: string, name: string, custom: boolean, provider: string,
        wireInputs: Record<string, unknown>, importId: string, prior?: { action: StepAction; state: StateResource },
        remote = false): Promise<{ id: string; wireOutputs: Record<string, unknown> }> {
        // What the SDK's deserializeProperties does after `toJavaScript()`, on the object already in hand.
        const inputs = Object.fromEntries(Object.entries(wireInputs).filter(([, value]) => value !== undefined)
            .map(([key, value]) => [key, deserializeProperty(value)])) as Record<string, unknown>;
        const result = await this.mocks.newResource({ type, name, inputs, provider, custom, id: importId });
        const state = (await serializeProperties("", result.state)) as Record<string, unknown>;
        this.resources.set(urn, { urn, id: result.id ?? null, state });
        if (!custom && remote) {
            // A multi-language component's outputs come back in this response, from its provider's
            // Construct: the mocks' after an update; in a preview unknown (the SDK marks what is
            // missing unknown), unless the deployed stack's state has them (its children unchanged).
            if (this.preview) {
                return { id: "", wireOutputs: prior !== undefined ? redactStateSecrets(prior.state.outputs ?? {}) as Record<string, unknown> : {} };
            }
            return { id: "", wireOutputs: Object.fromEntries(Object.entries(state).filter(([key]) => !(key in wireInputs))) };
        }
        if (!custom) {
            // A component's outputs are what it registers later (registerOutputs).
            return { id: "", wireOutputs: {} };
        }
        if (prior?.action === "same" && this.preview) {
            // step_generator.go: a same step's outputs are the old state's, all known.
            return { id: prior.state.id ?? result.id ?? "", wireOutputs: redactStateSecrets(prior.state.outputs ?? {}) as Record<string, unknown> };
        }
        const wireOutputs: Record<string, unknown> = { ...wireInputs };
        const computed: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(state)) {
            if (!(key in wireInputs) && value !== undefined) {
                computed[key] = value;
            }
        }
        // During a preview the provider computes nothing, except what its own preview returns.
        const previewed = this.preview && this.options.sameInPreview?.(type) !== true;
        const known = previewed ? previewOutputs(type, wireInputs, computed, containsUnknownSentinel) : computed;
        for (const key of Object.keys(computed)) {
            wireOutputs[key] = key in known ? known[key] : UNKNOWN_SENTINEL;
        }
        // An update's id is the deployed one; a create's is unknown in a preview.
        return { id: prior !== undefined ? prior.state.id ?? "" : previewed && importId === "" ? "" : result.id ?? "", wireOutputs };
    }

    /** The reference `<urn>::<id>` of the package's default provider, registered on first use. */
    private defaultProvider(pkg: string, version: string): Promise<string> {
        const key = `${pkg}@${version}`;
        let reference = this.defaultProviders.get(key);
        if (reference === undefined) {
            reference = (async () => {
                const type = providerType(pkg);
                const name = defaultProviderName(version);
                const urn = generateUrn(pulumi.getStack(), pulumi.getProject(), "", type, name);
                const inputs = defaultProviderInputs(pkg, this.options.defaultProviderConfig ?? {}, version);
                const prior = this.options.prior?.match(urn, []);
                const action: StepAction | undefined = this.options.prior === undefined ? undefined
                    : prior === undefined ? "create" : sameInputs(prior.inputs ?? {}, inputs) ? "same" : "update";
                const { id } = await this.provide(urn, type, name, true, "", inputs, "", prior && action ? { action, state: prior } : undefined);
                this.record({
                    urn, type, name, custom: true, id, remote: false, ...(action === undefined ? {} : { action }), parent: "", provider: "", wireInputs: inputs, wireOutputs: inputs,
                    dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false,
                    options: { ignoreChanges: [], additionalSecretOutputs: [], customTimeouts: { create: 0, update: 0, delete: 0 } },
                });
                return `${urn}::${this.preview && prior === undefined ? UNKNOWN_SENTINEL : id}`;
            })();
            this.defaultProviders.set(key, reference);
        }
        return reference;
    }

    private record(entry: Omit<RecordedResource, "inputs">): void {
        const wireInputs = entry.wireInputs;
        const recorded: RecordedResource = {
            ...entry,
            // Computed when read: a second copy of every input would double a large stack's memory.
            get inputs() {
                return unwrapSecrets(wireInputs) as Record<string, unknown>;
            },
        };
        this.recorded.push(recorded);
        this.byUrn.set(recorded.urn, recorded);
        this.parents.set(recorded.urn, recorded.parent);
        this.options.onRecorded?.(recorded);
    }
}

/** Go's time.ParseDuration for the units the SDK sends ("5m", "1h30m", "90s"); 0 when unset. */
export function durationSeconds(text: string | undefined): number {
    if (!text) {
        return 0;
    }
    const units: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
    let total = 0;
    for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
        total += Number(amount) * units[unit];
    }
    return total;
}

/** Installs mocks with a RecordingMonitor; returns the monitor to read the graph from. */
export function installRecordingMocks(mocks: pulumi.runtime.Mocks, project: string, stack: string, preview = false,
    options: Omit<MonitorOptions, "preview"> = {}): RecordingMonitor {
    // setMocks sets the runtime's feature flags (secrets, resource references…) and a stock monitor.
    // In mock mode the runtime reads the monitor from its store, so replacing just that field swaps
    // in the recorder; setMockOptions would instead reset the flags and drop secrets on the wire.
    void pulumi.runtime.setMocks(mocks, project, stack, preview);
    const monitor = new RecordingMonitor(mocks, { ...options, preview });
    const { getStore } = runtimeState as unknown as { getStore(): { settings: { monitor: unknown }; callbacks?: unknown } };
    getStore().settings.monitor = monitor;
    // A callback server (transforms) made for an earlier monitor would register with that one.
    getStore().callbacks = undefined;
    return monitor;
}

/**
 * Resolves once every registration and invoke the program started has finished: the runtime's own
 * RPC queue drain (what it awaits before disconnecting from the engine). Marked internal, hence the cast.
 */
export function waitForRegistrations(): Promise<void> {
    return (runtimeSettings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
