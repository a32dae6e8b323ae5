import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { ChildProcess, spawn } from "child_process";
import Module from "module";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { AnalyzerResourceInput, encodeAnalyzeRequest, encodeAnalyzeStackRequest, encodeAnalyzerResource } from "./analyzer-wire";
import { GrpcCallError, GrpcUnaryChannel } from "./grpc-unary";

/**
 * The launcher the Pulumi CLI runs a nodejs pack with: `@pulumi/pulumi/cmd/run-policy-pack` as the
 * pack's own folder resolves it (pulumi-language-nodejs main.go, analyzer_plugin.go), this CLI's
 * when the pack cannot resolve one.
 */
function launcherFor(packDir: string): string {
    try {
        return path.dirname(require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] }));
    } catch {
        return path.dirname(require.resolve("@pulumi/pulumi/cmd/run-policy-pack"));
    }
}

/** How long one request may take: far above any real analysis (a 10k-resource AnalyzeStack takes seconds). */
const CALL_DEADLINE_MS = Number(process.env.POLYARCH_PACK_CALL_DEADLINE_MS ?? 120_000);

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";

const LEVEL_TO_PROTO: Record<EnforcementLevel, analyzer.EnforcementLevel> = {
    advisory: analyzer.EnforcementLevel.ADVISORY,
    mandatory: analyzer.EnforcementLevel.MANDATORY,
    disabled: analyzer.EnforcementLevel.DISABLED,
    remediate: analyzer.EnforcementLevel.REMEDIATE,
};

export function levelFromProto(level: analyzer.EnforcementLevel): EnforcementLevel {
    const found = (Object.keys(LEVEL_TO_PROTO) as EnforcementLevel[]).find((k) => LEVEL_TO_PROTO[k] === level);
    return found ?? "advisory";
}

export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /** JSON schema of the policy's config, as the pack declares it. */
    configSchema?: { properties?: Record<string, Record<string, unknown>>; required?: string[] };
}

export interface PackInfo {
    name: string;
    version: string;
    policies: PolicyInfo[];
    /** Whether the pack accepts `configure` (the CLI refuses a config file otherwise). */
    supportsConfig: boolean;
    /** The pack's own `initialConfig`, which the engine applies before the config file. */
    initialConfig: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;
}

/** One policy's config as the CLI sends it in `configure`. */
export interface PolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

// The resource shapes the requests carry live with their encoder (analyzer-wire.ts).
export type { AnalyzerProvider, AnalyzerResourceInput } from "./analyzer-wire";

/** One result of `remediate`: new properties, or a diagnostic saying why it could not. */
export interface Remediation {
    policy: string;
    description: string;
    properties?: Record<string, unknown>;
    diagnostic: string;
}

/** The stack facts the engine sends in `configureStack` (AnalyzerStackConfigureRequest). */
export interface StackConfiguration {
    stack: string;
    project: string;
    organization: string;
    dryRun: boolean;
    tags: Record<string, string>;
    config: Record<string, string>;
    configSecretKeys: string[];
}

/** Every request the gate sends the pack, in order, as plain objects: what the conformance suite reads. */
export type TrafficRecorder = (method: string, request: Record<string, unknown>) => void;

export interface Diagnostic {
    policy: string;
    urn: string;
    level: EnforcementLevel;
    message: string;
    description: string;
    severity: string;
}

export class PackStartError extends Error {}

/**
 * A running policy pack, started the way `pulumi preview --policy-pack` starts it
 * (`node @pulumi/pulumi/cmd/run-policy-pack <engine> <pack dir>` in the pack's directory), spoken
 * to over the analyzer gRPC protocol. Always `close()` it; it is also killed if this process exits.
 */
export class PolicyPackProcess {
    private recorder: TrafficRecorder | undefined;

    private constructor(private readonly child: ChildProcess, private readonly channel: GrpcUnaryChannel) {}

    /** Reports every request sent from now on to `recorder` (method name and the message as an object). */
    recordTraffic(recorder: TrafficRecorder | undefined): void {
        this.recorder = recorder;
    }

    /**
     * Starts the pack in `packDir` as the CLI does: run-policy-pack loads `.`, the package's `main`.
     * @param launcher the `run-policy-pack` directory to use; default the one the pack's folder resolves.
     */
    static async start(packDir: string, timeoutMs = 120_000, launcher = launcherFor(packDir)): Promise<PolicyPackProcess> {
        // The engine address is unused by nodejs packs (they log through stderr); the CLI passes its own.
        const child = spawn(process.execPath, [launcher, "127.0.0.1:0", "."], {
            cwd: packDir,
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, ...compileCacheEnv() },
        });
        const killOnExit = () => child.kill("SIGKILL");
        process.once("exit", killOnExit);
        child.once("exit", () => process.removeListener("exit", killOnExit));

        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            let stderr = "";
            const timer = setTimeout(() => fail(`the policy pack did not report a port within ${timeoutMs / 1000}s`), timeoutMs);
            const fail = (why: string) => {
                clearTimeout(timer);
                child.kill("SIGKILL");
                reject(new PackStartError(`${why}${stderr.trim() ? `:\n${stderr.trim()}` : ""}`));
            };
            child.stdout?.on("data", (chunk: Buffer) => {
                stdout += chunk.toString();
                const match = /^(\d+)\s*$/m.exec(stdout);
                if (match) {
                    clearTimeout(timer);
                    resolve(Number(match[1]));
                }
            });
            child.stderr?.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
            child.once("exit", (code, signal) => fail(`the policy pack exited (${signal ?? `code ${code}`}) before serving`));
            child.once("error", (err) => fail(`could not start the policy pack: ${err.message}`));
        });
        return new PolicyPackProcess(child, new GrpcUnaryChannel(`127.0.0.1:${port}`));
    }

    /** The pack's process id. */
    get pid(): number | undefined {
        return this.child.pid;
    }

    /** Whether the pack process is still alive. */
    get running(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }

    async getAnalyzerInfo(): Promise<PackInfo> {
        this.recorder?.("GetAnalyzerInfo", {});
        const info = await this.call(analyzerRpc.AnalyzerService.getAnalyzerInfo, new Empty().serializeBinary(), "GetAnalyzerInfo");
        const initialConfig: PackInfo["initialConfig"] = {};
        info.getInitialconfigMap().forEach((config, name) => {
            initialConfig[name] = {
                // As the engine reads it (analyzer_plugin.go convertEnforcementLevel): an entry with
                // properties only carries level 0, which is advisory.
                enforcementLevel: levelFromProto(config.getEnforcementlevel()),
                properties: (config.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
            };
        });
        return {
            name: info.getName(),
            version: info.getVersion(),
            supportsConfig: info.getSupportsconfig(),
            initialConfig,
            policies: info.getPoliciesList().map((p) => {
                const schema = p.getConfigschema();
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: levelFromProto(p.getEnforcementlevel()),
                    configSchema: schema && {
                        properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
                        required: schema.getRequiredList(),
                    },
                };
            }),
        };
    }

    async configure(config: Record<string, PolicyConfig>): Promise<void> {
        const request = new analyzer.ConfigureAnalyzerRequest();
        const map = request.getPolicyconfigMap();
        for (const [name, policy] of Object.entries(config)) {
            const entry = new analyzer.PolicyConfig();
            entry.setEnforcementlevel(LEVEL_TO_PROTO[policy.enforcementLevel]);
            entry.setProperties(Struct.fromJavaScript(policy.properties as Record<string, never>));
            map.set(name, entry);
        }
        this.recorder?.("Configure", { policyConfig: config });
        await this.call(analyzerRpc.AnalyzerService.configure, request.serializeBinary(), "Configure");
    }

    /** `configureStack`; a pack without it (Unimplemented) is fine, as for the engine. */
    async configureStack(stack: StackConfiguration): Promise<void> {
        const request = new analyzer.AnalyzerStackConfigureRequest();
        request.setStack(stack.stack);
        request.setProject(stack.project);
        request.setOrganization(stack.organization);
        request.setDryRun(stack.dryRun);
        Object.entries(stack.tags).forEach(([k, v]) => request.getTagsMap().set(k, v));
        Object.entries(stack.config).forEach(([k, v]) => request.getConfigMap().set(k, v));
        request.setConfigSecretKeysList(stack.configSecretKeys);
        this.recorder?.("ConfigureStack", { ...stack });
        try {
            await this.call(analyzerRpc.AnalyzerService.configureStack, request.serializeBinary(), "ConfigureStack");
        } catch (err) {
            if (!isUnimplemented(err)) {
                throw err;
            }
        }
    }

    async remediate(resource: AnalyzerResourceInput): Promise<Remediation[]> {
        return this.remediateEncoded(encodeAnalyzeRequest(resource), resource.urn);
    }

    /** `remediate` of an AnalyzeRequest already encoded (analyzer-wire.ts): the gate encodes once for both calls. */
    async remediateEncoded(request: Buffer, urn: string): Promise<Remediation[]> {
        this.recorder?.("Remediate", plainResource(analyzer.AnalyzeRequest.deserializeBinary(request)));
        let response: analyzer.RemediateResponse;
        try {
            response = await this.call(analyzerRpc.AnalyzerService.remediate, request, `Remediate(${urn})`);
        } catch (err) {
            if (isUnimplemented(err)) {
                return [];
            }
            throw err;
        }
        return response.getRemediationsList().map((r) => ({
            policy: r.getPolicyname(),
            description: r.getDescription(),
            properties: r.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
            diagnostic: r.getDiagnostic(),
        }));
    }

    async analyze(resource: AnalyzerResourceInput): Promise<Diagnostic[]> {
        return this.analyzeEncoded(encodeAnalyzeRequest(resource), resource.urn);
    }

    /** `analyze` of an AnalyzeRequest already encoded. */
    async analyzeEncoded(request: Buffer, urn: string): Promise<Diagnostic[]> {
        this.recorder?.("Analyze", plainResource(analyzer.AnalyzeRequest.deserializeBinary(request)));
        const response = await this.call(analyzerRpc.AnalyzerService.analyze, request, `Analyze(${urn})`);
        // Resource policies report without a URN; the engine attributes them to the analyzed resource.
        return diagnostics(response).map((d) => (d.urn ? d : { ...d, urn }));
    }

    async analyzeStack(resources: AnalyzerResourceInput[]): Promise<Diagnostic[]> {
        return this.analyzeStackEncoded(resources.map(encodeAnalyzerResource));
    }

    /** `analyzeStack` of AnalyzerResources already encoded, in order: the gate encodes each as soon as its outputs are final. */
    async analyzeStackEncoded(resources: Uint8Array[]): Promise<Diagnostic[]> {
        const request = encodeAnalyzeStackRequest(resources);
        this.recorder?.("AnalyzeStack", { resources: analyzer.AnalyzeStackRequest.deserializeBinary(request).getResourcesList().map(plainResource) });
        const response = await this.call(analyzerRpc.AnalyzerService.analyzeStack, request, "AnalyzeStack");
        return diagnostics(response);
    }

    /** Stops the pack and waits for it to exit. */
    async close(): Promise<void> {
        this.channel.close();
        if (!this.running) {
            return;
        }
        await new Promise<void>((resolve) => {
            const timer = setTimeout(() => { this.child.kill("SIGKILL"); }, 3000);
            this.child.once("exit", () => { clearTimeout(timer); resolve(); });
            this.child.kill("SIGTERM");
        });
    }

    /**
     * One unary call of an encoded request (the method's own response decoder), with a deadline:
     * @pulumi/policy never answers a request it fails to read (its handler throws before its try
     * block), which would otherwise hang the gate forever.
     */
    private call<T>(method: { path: string; responseDeserialize: (bytes: Buffer) => T }, request: Uint8Array, label: string): Promise<T> {
        return new Promise<T>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`the policy pack did not answer ${label} within ${CALL_DEADLINE_MS / 1000}s`)), CALL_DEADLINE_MS);
            this.channel.call(method.path, request)
                .then((bytes) => method.responseDeserialize(bytes))
                .then(resolve, reject)
                .finally(() => clearTimeout(timer));
        });
    }
}

/** A pack that does not implement a method answers UNIMPLEMENTED; the engine then carries on without it. */
function isUnimplemented(err: unknown): boolean {
    return err instanceof GrpcCallError && err.code === grpc.status.UNIMPLEMENTED;
}

/**
 * NODE_COMPILE_CACHE for the pack's process when this one has Node's compile cache on (Node 22.8+,
 * tools/register-cached-ts.js): its start is mostly compiling @pulumi/pulumi and @pulumi/policy.
 */
function compileCacheEnv(): Record<string, string> {
    const directory = (Module as { getCompileCacheDir?: () => string | undefined }).getCompileCacheDir?.();
    return directory === undefined ? {} : { NODE_COMPILE_CACHE: directory };
}

/** A sent resource as a plain object, properties as JSON (read back from the message, so it is what went on the wire). */
function plainResource(message: analyzer.AnalyzeRequest | analyzer.AnalyzerResource): Record<string, unknown> {
    const provider = message.getProvider();
    const plain: Record<string, unknown> = {
        urn: message.getUrn(),
        type: message.getType(),
        name: message.getName(),
        properties: message.getProperties()?.toJavaScript() ?? {},
        options: message.getOptions()?.toObject(),
        provider: provider && { urn: provider.getUrn(), type: provider.getType(), name: provider.getName(), properties: provider.getProperties()?.toJavaScript() },
    };
    if (message instanceof analyzer.AnalyzerResource) {
        plain.parent = message.getParent();
        plain.dependencies = message.getDependenciesList();
        const dependencies: Record<string, string[]> = {};
        message.getPropertydependenciesMap().forEach((value, key) => { dependencies[key] = value.getUrnsList(); });
        plain.propertyDependencies = dependencies;
    }
    return plain;
}

const SEVERITIES = ["unspecified", "low", "medium", "high", "critical"];

function diagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
    return response.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        urn: d.getUrn(),
        level: levelFromProto(d.getEnforcementlevel()),
        // @pulumi/policy sends "<description>\n<violation>"; the description is known from the policy.
        message: d.getMessage().startsWith(`${d.getDescription()}\n`) ? d.getMessage().slice(d.getDescription().length + 1) : d.getMessage(),
        description: d.getDescription(),
        severity: SEVERITIES[d.getSeverity()] ?? "unspecified",
    }));
}
