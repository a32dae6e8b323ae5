import Ajv from "ajv";
import { InputError } from "../input-error";
import * as fs from "fs";
import * as path from "path";
import { imagePlatformMatchesRegistry } from "polyarch-policies/dist/rules/image-platform-matches-registry";
import { imagePlatformReadableFromRegistry } from "polyarch-policies/dist/rules/image-platform-readable-from-registry";
import { EnforcementLevel, PackInfo, PolicyConfig } from "./analyzer-client";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

/** One entry of a config file: a level, properties, or both (either may be absent). */
interface ConfigEntry {
    enforcementLevel?: EnforcementLevel;
    properties: Record<string, unknown>;
}

export interface ResolvedPackConfig {
    /** What `configure` is sent: every policy of the pack, plus any other name the file gave. */
    config: Record<string, PolicyConfig>;
    /** Accepted by the engine but probably a mistake: names and settings the pack does not know. */
    warnings: string[];
}

/**
 * Reads a `--policy-pack-config` file and reconciles it with the pack as the engine does
 * (pulumi/pulumi pkg/resource/analyzer/config.go): the pack's defaults (each policy's level and
 * its schema's `default`s), then the pack's `initialConfig`, then the file (`"all"` first, then
 * each entry, properties merged), then each policy's config validated against its JSON schema
 * (`{type: object, properties, required}`) with a real validator. The engine accepts names and
 * settings the pack does not define (they reach `configure` unused); so does this, with a warning,
 * so a typo cannot silently pass unnoticed.
 */
export function resolvePackConfig(raw: unknown, pack: PackInfo, file: string): ResolvedPackConfig {
    const fromFile = parseConfigFile(raw, path.basename(file));
    if (!pack.supportsConfig && Object.keys(fromFile).length > 0) {
        throw new InputError("--policy-pack-config", `policy pack "${pack.name}" does not support config`);
    }
    const result = defaults(pack);
    applyConfig(result, pack.initialConfig);
    applyConfig(result, fromFile);

    const known = new Map(pack.policies.map((p) => [p.name, p]));
    const warnings: string[] = [];
    for (const name of Object.keys(fromFile)) {
        const policy = known.get(name);
        if (name !== "all" && policy === undefined) {
            warnings.push(`${path.basename(file)}: '${name}' is not a policy of pack '${pack.name}' (the engine ignores it); ` +
                `policies: ${[...known.keys()].join(", ")}`);
            continue;
        }
        const settings = Object.keys(policy?.configSchema?.properties ?? {});
        for (const key of Object.keys(fromFile[name].properties)) {
            if (policy !== undefined && !settings.includes(key)) {
                warnings.push(`${path.basename(file)}: '${name}.${key}' is not a setting of this policy (the engine ignores it); ` +
                    `settings: ${settings.join(", ") || "none"}`);
            }
        }
    }

    const errors = validate(pack, result);
    if (errors.length > 0) {
        // update.go: `validating policy config for %q: %s`, errors sorted and joined with "; ".
        throw new InputError(`policy config for "${pack.name}"`, errors.sort().join("; "));
    }
    const config: Record<string, PolicyConfig> = {};
    for (const [name, entry] of Object.entries(result)) {
        // analyzer_plugin.go Configure: an entry left without a level is refused.
        if (entry.enforcementLevel === undefined) {
            throw new InputError(`${path.basename(file)}: ${name}`, `configuring policy pack "${pack.name}": invalid enforcement level ""`);
        }
        config[name] = { enforcementLevel: entry.enforcementLevel, properties: entry.properties };
    }
    return { config, warnings };
}

/** The policy config a run uses, and how the report names it. */
export interface StackPackConfig {
    file?: string;
    raw?: unknown;
    /** "pack defaults", or the file relative to where the command runs. */
    source: string;
    usedPackDefaults: boolean;
}

/**
 * `--policy-pack-config`, else, for the bundled pack run from this repository's sources,
 * `policies/config/<stack>.json` when it exists, else the pack's defaults. The engine reads a
 * config only when `--policy-pack-config` names one (update.go), so another pack never gets one
 * unasked, nor the installed bundled pack, whose config/ holds its authors' stacks.
 */
export function stackPackConfig(packDir: string, stack: string, explicit?: string, bundled = true): StackPackConfig {
    const defaultFile = path.join(packDir, "config", `${stack}.json`);
    const fromSources = bundled && !fs.realpathSync(packDir).split(path.sep).includes("node_modules");
    const file = explicit ?? (fromSources && fs.existsSync(defaultFile) ? defaultFile : undefined);
    return file === undefined
        ? { source: "pack defaults", usedPackDefaults: true }
        : { file, raw: readJsonFile(file), source: path.relative(process.cwd(), file) || file, usedPackDefaults: false };
}

/** The pack's own levels, schema defaults and initialConfig: a run with no config file. */
export function defaultPackConfig(pack: PackInfo): ResolvedPackConfig {
    return resolvePackConfig({}, pack, "(pack defaults)");
}

export function readJsonFile(file: string): unknown {
    if (!fs.existsSync(file)) {
        throw new InputError("--policy-pack-config", `file '${file}' does not exist`);
    }
    const text = fs.readFileSync(file, "utf8");
    // config.go parsePolicyPackConfig: empty content is an empty config.
    if (text.trim() === "") {
        return {};
    }
    try {
        return JSON.parse(text);
    } catch (err) {
        throw new InputError(path.basename(file), `is not valid JSON: ${(err as Error).message}`);
    }
}

/** config.go `parsePolicyPackConfig`: a level string, or an object whose `enforcementLevel` is taken out. */
function parseConfigFile(raw: unknown, where: string): Record<string, ConfigEntry> {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new InputError(where, "must be a JSON object of policy name -> level or { enforcementLevel, ...config }");
    }
    const entries: Record<string, ConfigEntry> = {};
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (name === "environments") {
            throw new InputError(`${where}: environments`, "refers to Pulumi ESC environments, which the offline gate cannot open");
        }
        if (typeof value === "string") {
            entries[name] = { enforcementLevel: level(value, `${where}: ${name}`), properties: {} };
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            const entry: ConfigEntry = {
                enforcementLevel: enforcementLevel === undefined ? undefined : level(enforcementLevel, `${where}: ${name}.enforcementLevel`),
                properties,
            };
            // "Don't bother including empty configs."
            if (entry.enforcementLevel !== undefined || Object.keys(properties).length > 0) {
                entries[name] = entry;
            }
        } else {
            throw new InputError(`${where}: ${name}`, `${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
    }
    return entries;
}

/** config.go `createConfigWithDefaults`. */
function defaults(pack: PackInfo): Record<string, ConfigEntry> {
    const result: Record<string, ConfigEntry> = {};
    for (const policy of pack.policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) {
                properties[key] = schema.default;
            }
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
    }
    return result;
}

/** config.go `applyConfig`: "all" sets every level first; each entry then overrides its level and merges properties. */
function applyConfig(result: Record<string, ConfigEntry>, apply: Record<string, ConfigEntry>): void {
    const all = apply.all?.enforcementLevel;
    if (all !== undefined) {
        for (const entry of Object.values(result)) {
            entry.enforcementLevel = all;
        }
    }
    for (const [name, given] of Object.entries(apply)) {
        const entry = result[name] ?? { enforcementLevel: undefined, properties: {} };
        result[name] = {
            enforcementLevel: given.enforcementLevel ?? entry.enforcementLevel,
            properties: { ...entry.properties, ...given.properties },
        };
    }
}

/** config.go `validatePolicyPackConfig`: each policy with a schema, `<policy>: <error>` per problem. */
function validate(pack: PackInfo, result: Record<string, ConfigEntry>): string[] {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const errors: string[] = [];
    for (const policy of pack.policies) {
        if (policy.configSchema === undefined) {
            continue;
        }
        const schema: Record<string, unknown> = { type: "object" };
        if (Object.keys(policy.configSchema.properties ?? {}).length > 0) {
            schema.properties = policy.configSchema.properties;
        }
        if ((policy.configSchema.required ?? []).length > 0) {
            schema.required = policy.configSchema.required;
        }
        const check = ajv.compile(schema);
        if (!check(result[policy.name]?.properties ?? {})) {
            for (const error of check.errors ?? []) {
                const at = error.instancePath ? `${error.instancePath.slice(1).replace(/\//g, ".")}: ` : "";
                errors.push(`${policy.name}: ${at}${error.message ?? "is invalid"}`);
            }
        }
    }
    return errors;
}

function level(value: unknown, where: string): EnforcementLevel {
    if (typeof value === "string" && (LEVELS as readonly string[]).includes(value)) {
        return value as EnforcementLevel;
    }
    throw new InputError(where, `${JSON.stringify(value)} is not a valid enforcement level; allowed: ${LEVELS.join(", ")}`);
}

/** The rules that read registries over the network. */
export const REGISTRY_RULES: readonly string[] = [imagePlatformMatchesRegistry.name, imagePlatformReadableFromRegistry.name];

/**
 * The config with the registry rules disabled: offline runs (the plan without `--registry`, the
 * unit tests) have made-up digests that no registry holds.
 */
export function withoutRegistryLookups(config: Record<string, PolicyConfig>): Record<string, PolicyConfig> {
    return Object.fromEntries(Object.entries(config).map(([name, policy]) =>
        [name, REGISTRY_RULES.includes(name) ? { ...policy, enforcementLevel: "disabled" as const } : policy]));
}
