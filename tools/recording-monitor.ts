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

/** Pulumi's wire signature for a secret value, and the key that carries it. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Pulumi's wire sentinel for a value (or id) not known until the resource is created. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

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

/**
 * A copy of a wire value (arrays and objects copied, other values as they are) in which every
 * object that carries the signature `sig` (a secret, a resource reference) is `replace(it)`.
 */
export function replaceSigned(value: unknown, sig: string, replace: (signed: Record<string, unknown>) => unknown): unknown {
    if (Array.isArray(value)) {
        return value.map((item) => replaceSigned(item, sig, replace));
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === sig) {
            return replace(record);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, replaceSigned(v, sig, replace)]));
    }
    return value;
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
        const { id, wireOutputs } = await this.provide(urn, type, name, custom, provider, target.properties, req.getImportid());
        this.record({
            urn, type, name, custom, id, remote: req.getRemote(), parent, provider,
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
        wireInputs: Record<string, unknown>, importId: string): Promise<{ id: string; wireOutputs: Record<string, unknown> }> {
        // What the SDK's deserializeProperties does after `toJavaScript()`, on the object already in hand.
        const inputs = Object.fromEntries(Object.entries(wireInputs).filter(([, value]) => value !== undefined)
            .map(([key, value]) => [key, deserializeProperty(value)])) as Record<string, unknown>;
        const result = await this.mocks.newResource({ type, name, inputs, provider, custom, id: importId });
        const state = (await serializeProperties("", result.state)) as Record<string, unknown>;
        this.resources.set(urn, { urn, id: result.id ?? null, state });
        if (!custom) {
            // A component's outputs are what it registers later (registerOutputs).
            return { id: "", wireOutputs: {} };
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
        return { id: previewed && importId === "" ? "" : result.id ?? "", wireOutputs };
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
                const { id } = await this.provide(urn, type, name, true, "", inputs, "");
                this.record({
                    urn, type, name, custom: true, id, remote: false, parent: "", provider: "", wireInputs: inputs, wireOutputs: inputs,
                    dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false,
                    options: { ignoreChanges: [], additionalSecretOutputs: [], customTimeouts: { create: 0, update: 0, delete: 0 } },
                });
                return `${urn}::${this.preview ? UNKNOWN_SENTINEL : id}`;
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
