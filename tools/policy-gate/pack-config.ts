import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../infra/config";
import { EnforcementLevel, PackInfo, PolicyConfig } from "./analyzer-client";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

/**
 * Reads a `--policy-pack-config` file in the CLI's format and resolves it against the pack, as the
 * CLI does before `configure`: `"all"` sets every policy's level; a policy's entry is a level or
 * `{ enforcementLevel?, ...properties }`; properties are checked against the policy's schema and
 * its defaults filled in. Unknown policies and properties are errors, so a typo cannot silently
 * turn a rule off.
 */
export function resolvePackConfig(raw: unknown, pack: PackInfo, file: string): Record<string, PolicyConfig> {
    const where = path.basename(file);
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new ConfigError(where, "must be a JSON object of policy name -> level or { enforcementLevel, ...config }");
    }
    const entries = raw as Record<string, unknown>;
    const known = new Map(pack.policies.map((p) => [p.name, p]));
    for (const name of Object.keys(entries)) {
        if (name !== "all" && !known.has(name)) {
            throw new ConfigError(`${where}: ${name}`, `is not a policy of pack '${pack.name}'; policies: ${[...known.keys()].join(", ")}`);
        }
    }
    const all = entries.all === undefined ? undefined : level(entries.all, `${where}: all`);
    const resolved: Record<string, PolicyConfig> = {};
    for (const policy of pack.policies) {
        const entry = entries[policy.name];
        const properties: Record<string, unknown> = {};
        let enforcementLevel = all ?? policy.enforcementLevel;
        if (typeof entry === "string") {
            enforcementLevel = level(entry, `${where}: ${policy.name}`);
        } else if (entry !== undefined) {
            if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
                throw new ConfigError(`${where}: ${policy.name}`, "must be an enforcement level or an object");
            }
            for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
                if (key === "enforcementLevel") {
                    enforcementLevel = level(value, `${where}: ${policy.name}.enforcementLevel`);
                    continue;
                }
                const schema = policy.configSchema?.properties?.[key];
                if (schema === undefined) {
                    const allowed = Object.keys(policy.configSchema?.properties ?? {});
                    throw new ConfigError(`${where}: ${policy.name}.${key}`,
                        `is not a setting of this policy; settings: ${allowed.join(", ") || "none"}`);
                }
                checkValue(value, schema, `${where}: ${policy.name}.${key}`);
                properties[key] = value;
            }
        }
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (!(key in properties) && schema.default !== undefined) {
                properties[key] = schema.default;
            }
        }
        for (const key of policy.configSchema?.required ?? []) {
            if (!(key in properties)) {
                throw new ConfigError(`${where}: ${policy.name}.${key}`, "is required by this policy");
            }
        }
        resolved[policy.name] = { enforcementLevel, properties };
    }
    return resolved;
}

/** The pack's own levels and schema defaults, for a run with no config file. */
export function defaultPackConfig(pack: PackInfo): Record<string, PolicyConfig> {
    return resolvePackConfig({}, pack, "(pack defaults)");
}

export function readJsonFile(file: string): unknown {
    if (!fs.existsSync(file)) {
        throw new ConfigError("--policy-pack-config", `file '${file}' does not exist`);
    }
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new ConfigError(path.basename(file), `is not valid JSON: ${(err as Error).message}`);
    }
}

function level(value: unknown, where: string): EnforcementLevel {
    if (typeof value === "string" && (LEVELS as readonly string[]).includes(value)) {
        return value as EnforcementLevel;
    }
    throw new ConfigError(where, `got ${JSON.stringify(value)}; allowed: ${LEVELS.join(", ")}`);
}

/** The JSON-schema subset the pack's rules use: type, items, enum. */
function checkValue(value: unknown, schema: Record<string, unknown>, where: string): void {
    const type = schema.type;
    const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    if (typeof type === "string" && type !== actual && !(type === "integer" && Number.isInteger(value))) {
        throw new ConfigError(where, `expected ${type}, got ${actual} ${JSON.stringify(value)}`);
    }
    if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
        throw new ConfigError(where, `got ${JSON.stringify(value)}; allowed: ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
    }
    if (Array.isArray(value) && schema.items && typeof schema.items === "object") {
        value.forEach((item, i) => checkValue(item, schema.items as Record<string, unknown>, `${where}[${i}]`));
    }
}
