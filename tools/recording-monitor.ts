import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import * as runtimeState from "@pulumi/pulumi/runtime/state";

/** Pulumi's wire signature for a secret value, and the key that carries it. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Pulumi's wire sentinel for a value not known until the resource is created. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One registration as the engine would see it, including what the stock mocks drop. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string;
    provider: string;
    /** Inputs on the wire: secrets still wrapped, unknowns still the sentinel (what analyzers get). */
    wireInputs: Record<string, unknown>;
    /** Inputs with secrets unwrapped, as the provider would receive them (computed on each read). */
    readonly inputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
}

export function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            return unwrapSecrets(record.value);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** Minimal view of the generated RegisterResourceRequest used here. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/**
 * A MockMonitor that records each registration's parent, dependencies and propertyDependencies
 * (and protect/retainOnDelete), which the stock mocks discard. The policy pack needs that graph.
 */
export class RecordingMonitor extends MockMonitor {
    public readonly recorded: RecordedResource[] = [];

    override async registerResource(req: RegisterRequest, callback: (err: unknown, response: { getUrn(): string } | undefined) => void): Promise<void> {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((value, key) => { propertyDependencies[key] = value.getUrnsList(); });
        const wireInputs = req.getObject()?.toJavaScript() ?? {};
        return super.registerResource(req, (err: unknown, response: { getUrn(): string } | undefined) => {
            if (!err && response) {
                this.recorded.push({
                    urn: response.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    parent: req.getParent(),
                    provider: req.getProvider(),
                    wireInputs,
                    // Computed when read: a second copy of every input would double a large stack's memory.
                    get inputs() {
                        return unwrapSecrets(wireInputs) as Record<string, unknown>;
                    },
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                    protect: req.getProtect() ?? false,
                    retainOnDelete: req.getRetainondelete() ?? false,
                });
            }
            callback(err, response);
        });
    }
}

/** Installs mocks with a RecordingMonitor; returns the monitor to read the graph from. */
export function installRecordingMocks(mocks: pulumi.runtime.Mocks, project: string, stack: string, preview = false): RecordingMonitor {
    // setMocks sets the runtime's feature flags (secrets, resource references…) and a stock monitor.
    // In mock mode the runtime reads the monitor from its store, so replacing just that field swaps
    // in the recorder; setMockOptions would instead reset the flags and drop secrets on the wire.
    void pulumi.runtime.setMocks(mocks, project, stack, preview);
    const monitor = new RecordingMonitor(mocks);
    const { getStore } = runtimeState as unknown as { getStore(): { settings: { monitor: unknown } } };
    getStore().settings.monitor = monitor;
    return monitor;
}

/**
 * Resolves once every registration and invoke the program started has finished: the runtime's own
 * RPC queue drain (what it awaits before disconnecting from the engine). Marked internal, hence the cast.
 */
export function waitForRegistrations(): Promise<void> {
    return (runtimeSettings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
