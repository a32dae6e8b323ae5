/**
 * What `pulumi stack export` writes: an untyped deployment (`{ version, deployment }`) whose
 * deployment, at version 3, holds the manifest, the secrets provider and the resources in the
 * order the engine keeps them (apitype.DeploymentV3, ResourceV3). Read as `pulumi policy analyze
 * --file` reads one (pkg/cmd/pulumi/policy/policy_analyze.go, pkg/resource/stack/deployment.go
 * DeserializeUntypedDeployment): the JSON decoded, the version checked, every URN well formed.
 */
import * as fs from "fs";
import { z } from "zod";
import { SECRET_SIG, SIG_KEY } from "./wire";

/** apitype.DeploymentSchemaVersionCurrent. */
export const DEPLOYMENT_SCHEMA_VERSION = 3;
/** resource/urn: "urn:pulumi:" and at least three "::" (stack, project, type, name). */
const URN_PREFIX = "urn:pulumi:";
const NAME_DELIMITER = "::";

/** One line naming the file and what is wrong with it (exit 2). */
export class StateFileError extends Error {}

// Go's decoder reads a JSON null as the field's empty value (the engine's own checkpoints hold
// `"propertyDependencies": {"x": null}`): here null is read as absent, an empty list or map.
const stringList = z.array(z.string()).nullish().transform((v) => v ?? undefined);
const propertyMap = z.record(z.unknown()).nullish().transform((v) => v ?? undefined);
const optional = <T extends z.ZodTypeAny>(schema: T) => schema.nullish().transform((v) => v ?? undefined);
const resourceSchema = z.object({
    urn: z.string(),
    custom: optional(z.boolean()),
    delete: optional(z.boolean()),
    id: optional(z.string()),
    type: z.string(),
    inputs: propertyMap,
    outputs: propertyMap,
    parent: optional(z.string()),
    protect: optional(z.boolean()),
    external: optional(z.boolean()),
    dependencies: stringList,
    provider: optional(z.string()),
    propertyDependencies: z.record(z.array(z.string()).nullable()).nullish()
        .transform((v) => (v === null || v === undefined ? undefined : Object.fromEntries(Object.entries(v).map(([k, urns]) => [k, urns ?? []])))),
    pendingReplacement: optional(z.boolean()),
    additionalSecretOutputs: stringList,
    aliases: stringList,
    customTimeouts: optional(z.object({ create: optional(z.number()), update: optional(z.number()), delete: optional(z.number()) })),
    retainOnDelete: optional(z.boolean()),
    ignoreChanges: stringList,
}).passthrough();

const deploymentSchema = z.object({
    manifest: optional(z.object({}).passthrough()),
    secrets_providers: optional(z.object({ type: z.string().optional() }).passthrough()),
    resources: optional(z.array(resourceSchema)),
    pending_operations: optional(z.array(z.unknown())),
}).passthrough();

export type StateResource = z.infer<typeof resourceSchema>;

export interface StateDocument {
    resources: StateResource[];
    /** How many secret values the document holds (every one is redacted). */
    secrets: number;
}

/** urn.URN.IsValid. */
export function isValidUrn(urn: string): boolean {
    return urn.startsWith(URN_PREFIX) && urn.split(NAME_DELIMITER).length - 1 >= 3;
}

/** The resource name part of a URN (everything after the type). */
export function urnName(urn: string): string {
    return urn.split(NAME_DELIMITER).slice(3).join(NAME_DELIMITER);
}

/** The stack and project a URN names. */
export function urnStackAndProject(urn: string): { stack: string; project: string } {
    const [stack, project] = urn.slice(URN_PREFIX.length).split(NAME_DELIMITER);
    return { stack, project };
}

function issuePath(issue: z.ZodIssue): string {
    return issue.path.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join("").replace(/^\./, "");
}

/** Counts the secret values (signature objects) in a property value. */
function countSecrets(value: unknown): number {
    if (Array.isArray(value)) {
        return value.reduce((n: number, item) => n + countSecrets(item), 0);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            return 1;
        }
        return Object.values(record).reduce((n: number, item) => n + countSecrets(item), 0);
    }
    return 0;
}

/** pkg/resource/stack/deployment.go: DeploymentSchemaVersionOldestSupported and DeploymentSchemaVersionLatest. */
const OLDEST_SUPPORTED_VERSION = 1;
const LATEST_VERSION = 4;
/** deployment.go supportedFeatures: what a version 4 deployment may ask for. */
const SUPPORTED_FEATURES = ["refreshBeforeUpdate", "views", "hooks", "taint", "replaceWith", "snippets-prototype", "extensionParameterization", "byteString"];

/**
 * migrate.UpToResourceV2 and UpToResourceV3: a version 1 or 2 resource as version 3 holds it. A
 * version 1 resource has no provider; neither says which input came from which dependency, so
 * every input is taken to depend on every dependency.
 */
function migrateResource(resource: Record<string, unknown>, version: number): Record<string, unknown> {
    const migrated: Record<string, unknown> = version === 1 ? { ...resource, external: false, provider: "" } : { ...resource };
    delete migrated.defaults;
    const dependencies = Array.isArray(resource.dependencies) ? resource.dependencies : [];
    const inputs = resource.inputs !== null && typeof resource.inputs === "object" ? resource.inputs as Record<string, unknown> : {};
    migrated.propertyDependencies = Object.fromEntries(Object.keys(inputs).map((key) => [key, dependencies]));
    return migrated;
}

/**
 * Parses and checks a `pulumi stack export` document as `pulumi policy analyze --file` does
 * (policy_analyze.go; stack.DeserializeUntypedDeployment): versions 1 to 4 (1 and 2 migrated), a
 * version 4's features, each resource's shape, every URN well formed. A StateFileError carries the
 * engine's message.
 */
export function parseStateDocument(text: string, file: string): StateDocument {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        throw new StateFileError(`reading deployment from ${file}: ${(err as Error).message} (not the JSON \`pulumi stack export\` writes)`);
    }
    if (raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
        throw new StateFileError(`reading deployment from ${file}: expected an object with "version" and "deployment", as \`pulumi stack export\` writes`);
    }
    const { version = 0, features = [], deployment } = (raw ?? {}) as { version?: unknown; features?: unknown; deployment?: unknown };
    if (typeof version !== "number" || !Number.isInteger(version)) {
        throw new StateFileError(`reading deployment from ${file}: "version" must be an integer, not ${JSON.stringify(version)}`);
    }
    const deserializing = `deserializing deployment from ${file}`;
    if (version > LATEST_VERSION) {
        throw new StateFileError(`${deserializing}: this stack's deployment version is too new`);
    }
    if (version < OLDEST_SUPPORTED_VERSION) {
        throw new StateFileError(`${deserializing}: this stack's deployment is too old`);
    }
    if (version >= LATEST_VERSION) {
        const unsupported = (Array.isArray(features) ? features : []).filter((f) => !SUPPORTED_FEATURES.includes(String(f)));
        if (unsupported.length > 0) {
            throw new StateFileError(`${deserializing}: this stack's deployment needs support for the following features: ${unsupported.join(", ")}`);
        }
    }
    if (deployment === undefined) {
        throw new StateFileError(`${deserializing}: the document has no "deployment"`);
    }
    const parsed = deploymentSchema.safeParse(deployment ?? {});
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new StateFileError(`${deserializing}: deployment${issuePath(issue) === "" ? "" : `.${issuePath(issue)}`}: ${issue.message}`);
    }
    const given = parsed.data.resources ?? [];
    const resources = version < DEPLOYMENT_SCHEMA_VERSION
        ? given.map((r) => resourceSchema.parse(migrateResource(r, version)))
        : given;
    for (const resource of resources) {
        if (!isValidUrn(resource.urn)) {
            throw new StateFileError(`state file ${file} contains a resource with an invalid URN ${JSON.stringify(resource.urn)}`);
        }
    }
    return { resources, secrets: resources.reduce((n, r) => n + countSecrets(r.inputs) + countSecrets(r.outputs), 0) };
}

/** Reads `file`; messages name it as `shown` (what the user typed, as policy_analyze.go names it). */
export function readStateDocument(file: string, shown: string = file): StateDocument {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new StateFileError(`could not open file: ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return parseStateDocument(text, shown);
}
