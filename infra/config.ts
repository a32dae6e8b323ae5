import * as fs from "fs";
import * as path from "path";
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import {
    ARCHITECTURES, Architecture, DEFAULT_INSTANCE_TYPES, describeChoices, defaultArchitecture, dockerPlatform, instanceTypeProblem,
    otherArchitecture, parseArchitecture, singleManifestReason, targetRestriction,
} from "../components/platform";
import { namesVpcEndpoints, partitionOf } from "../components/partitions";
import { didYouMean } from "../cli/src/did-you-mean";
import { ConfigError } from "./config-error";
import { Profile, ServiceSettings, StackSettings } from "./settings";
import { PolyarchKey, ServiceConfig, polyarchKeys } from "./config-schema";
import { TARGET_MODULES } from "./targets";
import { TargetModule } from "./targets/target-module";

export { ConfigError };

// The settings' types live in settings.ts, which the target modules read without this module.
export type { Profile, ServiceSettings, StackSettings } from "./settings";

/**
 * Per-profile defaults. dev: cheap and quick to tear down. prod: multi-AZ, protected, encrypted,
 * private, logged, retained.
 */
export const PROFILE_DEFAULTS: Readonly<Record<Profile, Omit<StackSettings, "stack" | "profile" | "region" | "projectRoot" | "services" | "builder" | "builders" | "tags">>> = {
    dev: {
        network: { availabilityZones: 2, natGateways: "Single", cidrBlock: "10.20.0.0/16", vpcEndpoints: false },
        eks: {
            instanceTypes: [...DEFAULT_INSTANCE_TYPES.arm64],
            x86InstanceTypes: [...DEFAULT_INSTANCE_TYPES.x86_64],
            scaling: { min: 1, desired: 1, max: 2 },
            capacityType: "SPOT",
            endpointPublicAccess: true,
            os: "al2023",
            encryptSecrets: false,
            logTypes: ["api", "audit"],
            kmsDeletionWindowDays: 7,
            accessEntries: [],
        },
        registry: { immutableTags: false, forceDelete: true, keepReleases: 5, customerManagedKey: false },
        logRetentionDays: 7,
        protectData: false,
        requireHttps: false,
    },
    prod: {
        network: { availabilityZones: 3, natGateways: "OnePerAz", cidrBlock: "10.30.0.0/16", vpcEndpoints: false },
        eks: {
            instanceTypes: [...DEFAULT_INSTANCE_TYPES.arm64],
            x86InstanceTypes: [...DEFAULT_INSTANCE_TYPES.x86_64],
            scaling: { min: 3, desired: 3, max: 9 },
            capacityType: "ON_DEMAND",
            endpointPublicAccess: false,
            os: "al2023",
            encryptSecrets: true,
            logTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            kmsDeletionWindowDays: 30,
            accessEntries: [],
        },
        registry: { immutableTags: true, forceDelete: false, keepReleases: 30, customerManagedKey: true },
        logRetentionDays: 90,
        protectData: true,
        requireHttps: true,
    },
};

export interface ParseOptions {
    stack: string;
    /** Directory holding Pulumi.yaml; `context` paths are relative to it and may not leave it. */
    projectRoot: string;
}

/**
 * Parses the flat stack config map (`"polyarch:services"` → value, as Pulumi hands it to the
 * program; objects may arrive as JSON strings) into settings. Throws one ConfigError for the first
 * problem, naming its key path.
 */
export function parseStackConfig(config: Record<string, unknown>, options: ParseOptions): StackSettings {
    const values = readNamespace(config);
    const region = config["aws:region"];
    if (typeof region !== "string" || !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
        throw new ConfigError("aws:region", region === undefined
            ? "is not set; run `pulumi config set aws:region us-west-2` (or your region)"
            : `got '${String(region)}'; use an AWS region such as us-west-2`);
    }
    const profile = resolveProfile(values.profile, options.stack);
    const defaults = PROFILE_DEFAULTS[profile];
    if (values.services === undefined) {
        throw new ConfigError("polyarch:services", "is not set; list the stack's services, e.g. " +
            "[{ name: api, target: lambda, context: services/hello-lambda }]");
    }
    const services = parseKey("services", values.services);
    const network = values.network === undefined ? {} : parseKey("network", values.network);
    const eks = values.eks === undefined ? {} : parseKey("eks", values.eks);
    const registry = values.registry === undefined ? {} : parseKey("registry", values.registry);

    const settings: StackSettings = {
        stack: options.stack,
        profile,
        region,
        projectRoot: path.resolve(options.projectRoot),
        services: services.map((service, index) => resolveService(service, index, options.projectRoot, defaults.requireHttps)),
        network: { ...defaults.network, ...network },
        eks: { ...defaults.eks, ...eks },
        registry: { ...defaults.registry, ...registry },
        logRetentionDays: values.logRetentionDays === undefined ? defaults.logRetentionDays : parseKey("logRetentionDays", values.logRetentionDays),
        builder: values.builder === undefined ? undefined : parseKey("builder", values.builder),
        builders: values.builders === undefined ? {} : architectureKeyed("polyarch:builders", parseKey("builders", values.builders)),
        tags: values.tags === undefined ? {} : parseKey("tags", values.tags),
        protectData: defaults.protectData,
        requireHttps: defaults.requireHttps,
    };
    checkCrossFieldRules(settings);
    checkPartition(settings);
    return settings;
}

/** What polyarch names per partition and cannot name in this stack's (components/partitions.ts). */
function checkPartition(settings: StackSettings): void {
    const partition = partitionOf(settings.region);
    if (settings.network.vpcEndpoints && !namesVpcEndpoints(partition)) {
        throw new ConfigError("polyarch:network.vpcEndpoints", `is not supported in ${settings.region} (partition ${partition}): ` +
            "its VPC endpoint service names differ per service (some are cn.com.amazonaws.<region>.<service>), and polyarch " +
            "does not build them there; set it to false and use NAT gateways (polyarch:network.natGateways: Single or OnePerAz)");
    }
}

/** A map keyed by architecture, any catalog spelling (`amd64` is x86_64), in the catalog's spelling. */
function architectureKeyed<V>(key: string, map: Record<string, V>): Partial<Record<Architecture, V>> {
    const result: Partial<Record<Architecture, V>> = {};
    for (const [spelling, value] of Object.entries(map)) {
        const arch = parseArchitecture(spelling);
        if (arch === undefined) {
            throw new ConfigError(`${key}.${spelling}`, `is not an architecture; key it by ${describeChoices(ARCHITECTURES)}`);
        }
        result[arch] = value;
    }
    return result;
}

/** The `polyarch:` keys, JSON-decoded; an unknown key is refused with the closest known one. */
function readNamespace(config: Record<string, unknown>): Partial<Record<PolyarchKey, unknown>> {
    const known = Object.keys(polyarchKeys);
    const values: Partial<Record<PolyarchKey, unknown>> = {};
    for (const [fullKey, raw] of Object.entries(config)) {
        if (!fullKey.startsWith("polyarch:")) {
            continue;
        }
        const key = fullKey.slice("polyarch:".length);
        if (!known.includes(key)) {
            throw new ConfigError(fullKey, `is not a polyarch setting${didYouMean(key, known, "polyarch:")}; ` +
                `known keys: ${known.map((k) => `polyarch:${k}`).join(", ")}`);
        }
        values[key as PolyarchKey] = decode(raw);
    }
    return values;
}

/** Pulumi passes structured config to programs as JSON text; plain strings stay strings. */
function decode(raw: unknown): unknown {
    if (typeof raw !== "string") {
        return raw;
    }
    const trimmed = raw.trim();
    if (/^[[{]/.test(trimmed) || /^(true|false|-?\d+(\.\d+)?)$/.test(trimmed)) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return raw;
        }
    }
    return raw;
}

function resolveProfile(value: unknown, stack: string): Profile {
    if (value === undefined) {
        if (stack === "dev" || stack === "prod") {
            return stack;
        }
        throw new ConfigError("polyarch:profile", `is not set and stack '${stack}' is neither dev nor prod; ` +
            "set it to 'dev' or 'prod' to choose the defaults");
    }
    return parseKey("profile", value);
}

function parseKey<K extends PolyarchKey>(key: K, value: unknown): z.infer<(typeof polyarchKeys)[K]> {
    const result = polyarchKeys[key].safeParse(value);
    if (!result.success) {
        const issue = result.error.issues[0];
        const misspelled = misspelledRequiredKey(issue, value);
        if (misspelled !== undefined) {
            throw new ConfigError(keyPath(`polyarch:${key}`, issue.path.slice(0, -1)),
                `unknown key '${misspelled}'; did you mean '${String(issue.path[issue.path.length - 1])}'?; remove it or fix its spelling`);
        }
        throw new ConfigError(keyPath(`polyarch:${key}`, issue.path), describeIssue(issue, polyarchKeys[key], value));
    }
    return result.data as z.infer<(typeof polyarchKeys)[K]>;
}

/** `polyarch:services` + [2, "target"] → `polyarch:services[2].target`. */
export function keyPath(root: string, segments: readonly (string | number)[]): string {
    return segments.reduce<string>((acc, segment) =>
        typeof segment === "number" ? `${acc}[${segment}]` : `${acc}.${segment}`, root);
}

function valueAt(value: unknown, segments: readonly (string | number)[]): unknown {
    let current = value;
    for (const segment of segments) {
        if (current === null || typeof current !== "object") {
            return undefined;
        }
        current = (current as Record<string | number, unknown>)[segment];
    }
    return current;
}

function show(value: unknown): string {
    return typeof value === "string" ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

/** Turns a zod issue into "got X; allowed Y" with the bad value and the allowed values. */
function describeIssue(issue: z.ZodIssue, schema: z.ZodTypeAny, root: unknown): string {
    const got = valueAt(root, issue.path);
    switch (issue.code) {
        case z.ZodIssueCode.invalid_union_discriminator:
            return `got ${show(got)}; allowed: ${describeChoices(issue.options.map(String))}`;
        case z.ZodIssueCode.invalid_enum_value:
            return `got ${show(got)}; allowed: ${describeChoices(issue.options.map(String))}`;
        case z.ZodIssueCode.invalid_union: {
            const literals = issue.unionErrors.flatMap((e) => e.issues)
                .flatMap((i) => i.code === z.ZodIssueCode.invalid_literal ? [String(i.expected)] : []);
            return literals.length > 0 ? `got ${show(got)}; allowed: ${describeChoices(literals)}` : `got ${show(got)}; ${issue.message}`;
        }
        case z.ZodIssueCode.unrecognized_keys: {
            const [first] = issue.keys;
            return `unknown key '${first}'${didYouMean(first, knownKeysAt(schema, root, issue.path))}; remove it or fix its spelling`;
        }
        case z.ZodIssueCode.invalid_type:
            return got === undefined
                ? `is required (${issue.expected})`
                : `expected ${issue.expected}, got ${issue.received} ${show(got)}`;
        case z.ZodIssueCode.too_small:
            return issue.type === "array"
                ? `${issue.message}`
                : `got ${show(got)}; must be ${issue.inclusive ? ">=" : ">"} ${String(issue.minimum)}`;
        case z.ZodIssueCode.too_big:
            return `got ${show(got)}; must be ${issue.inclusive ? "<=" : "<"} ${String(issue.maximum)}`;
        default:
            return got === undefined ? issue.message : `got ${show(got)}; ${issue.message}`;
    }
}

/** Keys the strict object at `at` accepts, read from the schema itself, to suggest the nearest. */
function knownKeysAt(schema: z.ZodTypeAny, root: unknown, at: readonly (string | number)[]): string[] {
    let current: z.ZodTypeAny = schema;
    for (let depth = 0; depth <= at.length; depth++) {
        while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
            current = current._def.innerType;
        }
        if (current instanceof z.ZodDiscriminatedUnion) {
            const discriminator = (valueAt(root, at.slice(0, depth)) as Record<string, unknown> | undefined)?.[current.discriminator];
            const option = current.optionsMap.get(discriminator as z.Primitive);
            if (option === undefined) {
                return [];
            }
            current = option;
        }
        if (depth === at.length) {
            break;
        }
        const segment = at[depth];
        if (current instanceof z.ZodArray && typeof segment === "number") {
            current = current.element;
        } else if (current instanceof z.ZodObject && typeof segment === "string") {
            current = current.shape[segment];
        } else {
            return [];
        }
    }
    return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/**
 * When a required key is missing (`target`) because the entry spells it otherwise (`targt`), the
 * misspelled key: the object's key within two edits of the missing one. Zod reports the missing
 * key ("got undefined") before the strict object's unknown key, which would say less.
 */
function misspelledRequiredKey(issue: z.ZodIssue, root: unknown): string | undefined {
    const missing = issue.path[issue.path.length - 1];
    if (typeof missing !== "string" || valueAt(root, issue.path) !== undefined) {
        return undefined;
    }
    const parent = valueAt(root, issue.path.slice(0, -1));
    if (parent === null || typeof parent !== "object" || Array.isArray(parent)) {
        return undefined;
    }
    return Object.keys(parent).find((key) => key !== missing && distance(key.toLowerCase(), missing.toLowerCase()) <= 2);
}


function resolveService(service: ServiceConfig, index: number, projectRoot: string, requireHttps: boolean): ServiceSettings {
    const at = (key: string) => `polyarch:services[${index}].${key}`;
    const module = TARGET_MODULES[service.target] as TargetModule<typeof service.target>;
    const { architecture, architectures } = resolveArchitectures(service, module, at);
    const root = path.resolve(projectRoot);
    const contextPath = path.resolve(root, service.context);
    if (path.isAbsolute(service.context) || !isInside(root, contextPath)) {
        throw new ConfigError(at("context"), `'${service.context}' is outside the project; use a path relative to ` +
            `the project root such as services/${service.name}`);
    }
    if (!fs.existsSync(contextPath) || !fs.statSync(contextPath).isDirectory()) {
        throw new ConfigError(at("context"), `directory '${service.context}' does not exist under the project root`);
    }
    const dockerfileRelative = service.dockerfile ?? path.join(service.context, "Dockerfile");
    const dockerfilePath = path.resolve(root, dockerfileRelative);
    if (path.isAbsolute(dockerfileRelative) || !isInside(root, dockerfilePath)) {
        throw new ConfigError(at("dockerfile"), `'${dockerfileRelative}' is outside the project; use a path relative to the project root`);
    }
    if (!fs.existsSync(dockerfilePath) || !fs.statSync(dockerfilePath).isFile()) {
        throw new ConfigError(service.dockerfile ? at("dockerfile") : at("context"),
            `no Dockerfile at '${dockerfileRelative}'; add one or set polyarch:services[${index}].dockerfile`);
    }
    const resolved = { ...service, architecture, architectures, contextPath, dockerfilePath } as ServiceSettings;
    module.check?.(resolved as never, at, { requireHttps });
    return resolved;
}

/**
 * The image's platforms (`architectures`, default the one `architecture`) and what the compute
 * runs: the service's `architecture`, else the target's default when the image covers it, else
 * the first listed; for a target that decides itself (ECS Express Mode), what it decides.
 */
function resolveArchitectures(
    service: ServiceConfig, module: TargetModule<ServiceConfig["target"]>, at: (key: string) => string,
): { architecture: Architecture; architectures: Architecture[] } {
    const target = service.target;
    const listed = service.architectures as Architecture[] | undefined;
    if (listed !== undefined) {
        const duplicate = listed.find((arch, i) => listed.indexOf(arch) !== i);
        if (duplicate !== undefined) {
            throw new ConfigError(at("architectures"), `lists '${duplicate}' twice; list each architecture once`);
        }
        const reason = listed.length > 1 ? singleManifestReason(target) : undefined;
        if (reason !== undefined) {
            throw new ConfigError(at("architectures"), `got ${JSON.stringify(listed)} for target '${target}'; ${reason}`);
        }
        listed.forEach((arch, i) => {
            const restriction = targetRestriction(target, arch);
            if (restriction !== undefined) {
                throw new ConfigError(at(`architectures[${i}]`), `got '${arch}' for target '${target}'; ${restriction}`);
            }
        });
    }
    const requested = service.architecture as Architecture | undefined;
    const covered = listed ?? [requested ?? defaultArchitecture(target)];
    const decided = module.runsArchitecture?.(covered);
    if (decided !== undefined && requested !== undefined && requested !== decided) {
        throw new ConfigError(at("architecture"), `got '${requested}' but target '${target}' runs ${decided} from an image of ` +
            `${covered.map(dockerPlatform).join(", ")}; remove 'architecture', or list only ${requested} in 'architectures'`);
    }
    const architecture = decided ?? requested ?? (covered.includes(defaultArchitecture(target)) ? defaultArchitecture(target) : covered[0]);
    if (!covered.includes(architecture)) {
        throw new ConfigError(at("architecture"), `got '${architecture}' but 'architectures' is ${JSON.stringify(covered)}; ` +
            `choose ${describeChoices(covered)}, or add it to 'architectures'`);
    }
    const restriction = targetRestriction(target, architecture);
    if (restriction !== undefined) {
        throw new ConfigError(at("architecture"), `got '${architecture}' for target '${target}'; ${restriction}`);
    }
    return { architecture, architectures: [architecture, ...covered.filter((arch) => arch !== architecture)] };
}

function isInside(root: string, candidate: string): boolean {
    const relative = path.relative(root, candidate);
    return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function checkCrossFieldRules(settings: StackSettings): void {
    const seen = new Map<string, number>();
    settings.services.forEach((service, index) => {
        const first = seen.get(service.name);
        if (first !== undefined) {
            throw new ConfigError(`polyarch:services[${index}].name`,
                `'${service.name}' is already used by polyarch:services[${first}]; service names must be unique`);
        }
        seen.set(service.name, index);
    });
    // instanceTypes is the default (Graviton) group, x86InstanceTypes the other architecture's.
    const primary = defaultArchitecture("eks");
    const groups: [string, string[], Architecture][] = [
        ["polyarch:eks.instanceTypes", settings.eks.instanceTypes, primary],
        ["polyarch:eks.x86InstanceTypes", settings.eks.x86InstanceTypes, otherArchitecture(primary)],
    ];
    for (const [key, types, arch] of groups) {
        types.forEach((instanceType, index) => {
            const problem = instanceTypeProblem(instanceType, arch, "this node group");
            if (problem !== undefined) {
                throw new ConfigError(`${key}[${index}]`, problem);
            }
        });
    }
    // Tasks get no public IP and nodes sit in private subnets: without NAT they reach ECR only
    // through VPC endpoints, or never pull their image. A Lambda on a capacity provider runs on EC2
    // instances in the stack's private subnets (infra/targets/lambda.ts), and all their traffic
    // leaves through the instances' own network interfaces: the function's image, logs and traces
    // need the same path.
    const privateWorkload = settings.services.findIndex((s) =>
        s.target === "ecs" || s.target === "eks" || (s.target === "lambda" && s.capacityProvider !== undefined) ||
        (s.target === "ecs-express" && s.public === false));
    if (settings.network.natGateways === "None" && privateWorkload >= 0 && !settings.network.vpcEndpoints) {
        const service = settings.services[privateWorkload];
        const what = service.target === "lambda"
            ? `the Managed Instances of lambda service '${service.name}' (capacityProvider)`
            : `${service.target} service '${service.name}'`;
        throw new ConfigError("polyarch:network.natGateways", `'None' leaves ${what} in private ` +
            "subnets with no route to ECR, so its image never pulls; use 'Single' or 'OnePerAz', or set " +
            "polyarch:network.vpcEndpoints: true to reach ECR, S3, logs and STS through VPC endpoints");
    }
    const { min, desired, max } = settings.eks.scaling;
    if (!(min <= desired && desired <= max)) {
        throw new ConfigError("polyarch:eks.scaling", `got min ${min}, desired ${desired}, max ${max}; need min <= desired <= max`);
    }
}
