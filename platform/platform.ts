/**
 * The platform catalog: the only place in polyarch that knows how each CPU architecture is
 * spelled by Docker, Lambda, ECS, Kubernetes and EKS, which EC2 families are Graviton, and what
 * each compute target can run.
 *
 * Pure data and functions with no Pulumi imports, so the policy pack loads it in milliseconds and
 * every other file can ask it instead of writing an architecture string of its own.
 */

/** The two CPU architectures polyarch builds for, in the canonical (Lambda/AWS) spelling. */
export type Architecture = "arm64" | "x86_64";

/** Where a service runs. */
export type ComputeTarget = "lambda" | "eks" | "apprunner" | "ecs" | "ecs-express";

/** How one architecture is written by each system that names it. */
export interface ArchitectureSpellings {
    /** Docker/OCI platform for `--platform` and docker-build `platforms`. */
    readonly dockerPlatform: string;
    /** Value BuildKit passes to a Dockerfile as `TARGETARCH` (also Go's GOARCH). */
    readonly targetArch: string;
    /** Element of `aws.lambda.Function.architectures`. */
    readonly lambda: string;
    /** `runtimePlatform.cpuArchitecture` of an ECS task definition. */
    readonly ecs: string;
    /** Value of the `kubernetes.io/arch` node label. */
    readonly kubernetes: string;
    /** Rust/GNU target triple prefix, for services that cross-compile with cargo or gcc. */
    readonly gnuTriple: string;
}

/** Per-architecture runtime tuning a service receives, so it can be tuned per platform. */
export interface RuntimeDefaults {
    /**
     * Worker processes per vCPU (exported as WEB_CONCURRENCY). A Graviton vCPU is a whole physical
     * core, while an x86 vCPU is one hyperthread of a core, so arm64 sustains twice the workers.
     */
    readonly workersPerVcpu: number;
    /** Lambda memory in MB when the service does not choose one. */
    readonly lambdaMemoryMb: number;
    /**
     * glibc malloc arenas (MALLOC_ARENA_MAX). Graviton has more cores per GB in small sizes, and the
     * default (8 x cores) arenas inflate RSS there; x86 keeps glibc's own default (0 = unset).
     */
    readonly mallocArenaMax: number;
}

export const ARCHITECTURES: readonly Architecture[] = ["arm64", "x86_64"];

export const COMPUTE_TARGETS: readonly ComputeTarget[] = ["lambda", "eks", "apprunner", "ecs", "ecs-express"];

export const SPELLINGS: Readonly<Record<Architecture, ArchitectureSpellings>> = {
    arm64: {
        dockerPlatform: "linux/arm64",
        targetArch: "arm64",
        lambda: "arm64",
        ecs: "ARM64",
        kubernetes: "arm64",
        gnuTriple: "aarch64-linux-gnu",
    },
    x86_64: {
        dockerPlatform: "linux/amd64",
        targetArch: "amd64",
        lambda: "x86_64",
        ecs: "X86_64",
        kubernetes: "amd64",
        gnuTriple: "x86_64-linux-gnu",
    },
};

export const RUNTIME_DEFAULTS: Readonly<Record<Architecture, RuntimeDefaults>> = {
    arm64: { workersPerVcpu: 2, lambdaMemoryMb: 1024, mallocArenaMax: 2 },
    x86_64: { workersPerVcpu: 1, lambdaMemoryMb: 1024, mallocArenaMax: 0 },
};

/** What each compute target can run and what it runs when the service does not say. */
export interface TargetProfile {
    readonly defaultArchitecture: Architecture;
    readonly supported: readonly Architecture[];
    /** Why an unsupported architecture is refused, shown to the user verbatim. */
    readonly restriction?: string;
    /**
     * Why the target cannot run an image index (several architectures under one tag), shown to the
     * user verbatim; undefined when it can.
     */
    readonly singleManifest?: string;
    /** Where the plan's table says it runs: "Lambda", "ECS Fargate"… */
    readonly runsOn: string;
}

export const TARGETS: Readonly<Record<ComputeTarget, TargetProfile>> = {
    // Graviton Lambda costs ~20% less per GB-second at equal or better performance.
    lambda: {
        defaultArchitecture: "arm64",
        supported: ["arm64", "x86_64"],
        singleManifest: "Lambda runs a single image manifest (CreateFunction refuses an image index); list one architecture",
        runsOn: "Lambda",
    },
    // Graviton node groups are the cheaper default; an x86 group is added only when asked.
    eks: { defaultArchitecture: "arm64", supported: ["arm64", "x86_64"], runsOn: "EKS" },
    apprunner: {
        defaultArchitecture: "x86_64",
        supported: ["x86_64"],
        restriction:
            "App Runner runs only x86_64 (linux/amd64) images; use target 'ecs' (Fargate) for arm64",
        singleManifest: "App Runner runs only x86_64, so an index would carry platforms it never runs; list one architecture",
        runsOn: "App Runner",
    },
    // Fargate runs both; Graviton is the cheaper default.
    ecs: { defaultArchitecture: "arm64", supported: ["arm64", "x86_64"], runsOn: "ECS Fargate" },
    // Express Mode runs on Fargate and picks the architecture from the image: see ECS_EXPRESS.
    "ecs-express": { defaultArchitecture: "arm64", supported: ["arm64", "x86_64"], runsOn: "ECS Express Mode (Fargate)" },
};

/**
 * How ECS Express Mode (`aws.ecs.ExpressGatewayService`) decides the CPU its tasks run on, from
 * AWS's ECS API model (@aws-sdk/client-ecs, checked by test/models/catalog-vs-aws.test.ts):
 * - `CreateExpressGatewayService.cpuArchitecture` defaults to `X86_64`. @pulumi/aws 7.48's
 *   ExpressGatewayService has no such input, so every service polyarch creates declares X86_64.
 * - "Amazon ECS now automatically detects the correct CPU architecture for Express Mode services"
 *   (ECS API, 2026-07-08): when the image does not run on the declared architecture, ECS runs the
 *   tasks on the image's architecture and reports it as the service revision's
 *   `overrides.runtimePlatform.cpuArchitecture` (RuntimePlatformOverride: "when Amazon ECS detects
 *   an architecture mismatch during an Amazon ECS Express deployment and runs tasks on a different
 *   architecture").
 * So a single-platform linux/arm64 image runs on ARM64 (Graviton); an image that includes
 * linux/amd64 (a single amd64 image, or an index with both) has no mismatch and runs on X86_64.
 */
export const ECS_EXPRESS = {
    /** What CreateExpressGatewayService assumes without `cpuArchitecture`, i.e. always under @pulumi/aws 7.48. */
    declaredArchitecture: "x86_64" as Architecture,
    /** ECS replaces a declared architecture the image cannot run with the image's own. */
    detectsImageArchitecture: true,
} as const;

/**
 * The architecture ECS Express Mode runs an image on, given the architectures the image (or index)
 * covers: the declared one when the image has it, else the image's own (detected); undefined when
 * the image covers no architecture Fargate runs.
 */
export function expressRunArchitecture(imageArchitectures: readonly Architecture[]): Architecture | undefined {
    if (imageArchitectures.includes(ECS_EXPRESS.declaredArchitecture)) {
        return ECS_EXPRESS.declaredArchitecture;
    }
    return ECS_EXPRESS.detectsImageArchitecture
        ? imageArchitectures.find((arch) => TARGETS["ecs-express"].supported.includes(arch))
        : undefined;
}

/**
 * EKS managed node group AMI types and the architecture each boots: every value of the EKS API's
 * `AMITypes` enumeration except `CUSTOM` (a launch template's own AMI, whose architecture only the
 * instance types can tell). Note the spelling: `ARM_64` is upper-case, `x86_64` lower-case.
 * test/models/catalog-vs-aws.test.ts holds this table equal to `@aws-sdk/client-eks`'s `AMITypes`.
 */
export const EKS_AMI_TYPES: Readonly<Record<string, Architecture>> = {
    AL2023_ARM_64_STANDARD: "arm64",
    AL2023_ARM_64_NVIDIA: "arm64",
    AL2023_x86_64_STANDARD: "x86_64",
    AL2023_x86_64_NVIDIA: "x86_64",
    AL2023_x86_64_NEURON: "x86_64",
    BOTTLEROCKET_ARM_64: "arm64",
    BOTTLEROCKET_ARM_64_FIPS: "arm64",
    BOTTLEROCKET_ARM_64_NVIDIA: "arm64",
    BOTTLEROCKET_ARM_64_NVIDIA_FIPS: "arm64",
    BOTTLEROCKET_x86_64: "x86_64",
    BOTTLEROCKET_x86_64_FIPS: "x86_64",
    BOTTLEROCKET_x86_64_NVIDIA: "x86_64",
    BOTTLEROCKET_x86_64_NVIDIA_FIPS: "x86_64",
    AL2_ARM_64: "arm64",
    AL2_x86_64: "x86_64",
    AL2_x86_64_GPU: "x86_64",
    WINDOWS_CORE_2019_x86_64: "x86_64",
    WINDOWS_CORE_2022_x86_64: "x86_64",
    WINDOWS_CORE_2025_x86_64: "x86_64",
    WINDOWS_FULL_2019_x86_64: "x86_64",
    WINDOWS_FULL_2022_x86_64: "x86_64",
    WINDOWS_FULL_2025_x86_64: "x86_64",
};

/** The AMI type whose architecture comes from a launch template's AMI, not from the AMI type. */
export const EKS_CUSTOM_AMI_TYPE = "CUSTOM";

/** The AMI types polyarch picks for a node group of each architecture, by OS family. */
export const DEFAULT_AMI_TYPES: Readonly<Record<Architecture, { al2023: string; bottlerocket: string }>> = {
    arm64: { al2023: "AL2023_ARM_64_STANDARD", bottlerocket: "BOTTLEROCKET_ARM_64" },
    x86_64: { al2023: "AL2023_x86_64_STANDARD", bottlerocket: "BOTTLEROCKET_x86_64" },
};

/** Node group instance types polyarch uses when the stack does not choose them. */
export const DEFAULT_INSTANCE_TYPES: Readonly<Record<Architecture, readonly string[]>> = {
    arm64: ["m7g.large", "m6g.large"],
    x86_64: ["m7i.large", "m6i.large"],
};

/** A node taint, as Kubernetes spells it. */
export interface NodeTaint {
    key: string;
    value?: string;
    effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/**
 * EKS Auto Mode's built-in node pools (`computeConfig.nodePools`), from AWS's "Enable or Disable
 * Built-in NodePools" (EKS user guide): `general-purpose` uses only amd64; `system` supports amd64
 * and arm64 but carries the `CriticalAddonsOnly` taint, so only pods tolerating it land there.
 */
export const EKS_AUTO_MODE_NODE_POOLS: Readonly<Record<string, { architectures: readonly Architecture[]; taints: readonly NodeTaint[] }>> = {
    "general-purpose": { architectures: ["x86_64"], taints: [] },
    "system": { architectures: ["arm64", "x86_64"], taints: [{ key: "CriticalAddonsOnly", effect: "NoSchedule" }] },
};

/**
 * EC2 instance families built on AWS Graviton (arm64). Every other family is x86_64, except the
 * naming rule in {@link instanceTypeArchitecture} for Graviton families newer than this list.
 */
export const GRAVITON_FAMILIES: ReadonlySet<string> = new Set([
    "a1",
    "t4g",
    "m6g", "m6gd", "m7g", "m7gd", "m8g", "m8gd",
    "c6g", "c6gd", "c6gn", "c7g", "c7gd", "c7gn", "c8g", "c8gd", "c8gn",
    "r6g", "r6gd", "r7g", "r7gd", "r8g", "r8gd",
    "x2gd", "x8g",
    "im4gn", "is4gen", "i4g", "i8g",
    "g5g",
    "hpc7g",
]);

/** Every spelling of an architecture that polyarch accepts from users, images and providers. */
const ALIASES: Readonly<Record<string, Architecture>> = (() => {
    const table: Record<string, Architecture> = { aarch64: "arm64", "x86-64": "x86_64", x64: "x86_64" };
    for (const arch of ARCHITECTURES) {
        const s = SPELLINGS[arch];
        for (const spelling of [arch, s.dockerPlatform, s.targetArch, s.lambda, s.ecs, s.kubernetes]) {
            table[spelling.toLowerCase()] = arch;
        }
    }
    // OCI allows a variant on arm64 ("linux/arm64/v8"); it is the same CPU.
    table[`${SPELLINGS.arm64.dockerPlatform}/v8`] = "arm64";
    return table;
})();

/** Reads any known spelling (`linux/arm64`, `ARM64`, `amd64`, `aarch64`…); undefined if unknown. */
export function parseArchitecture(spelling: string | undefined | null): Architecture | undefined {
    if (typeof spelling !== "string") {
        return undefined;
    }
    return ALIASES[spelling.trim().toLowerCase()];
}

export function isArchitecture(value: unknown): value is Architecture {
    return typeof value === "string" && (ARCHITECTURES as readonly string[]).includes(value);
}

export function isComputeTarget(value: unknown): value is ComputeTarget {
    return typeof value === "string" && (COMPUTE_TARGETS as readonly string[]).includes(value);
}

export function dockerPlatform(arch: Architecture): string {
    return SPELLINGS[arch].dockerPlatform;
}

export function targetArch(arch: Architecture): string {
    return SPELLINGS[arch].targetArch;
}

export function lambdaArchitecture(arch: Architecture): string {
    return SPELLINGS[arch].lambda;
}

export function ecsCpuArchitecture(arch: Architecture): string {
    return SPELLINGS[arch].ecs;
}

export function kubernetesArch(arch: Architecture): string {
    return SPELLINGS[arch].kubernetes;
}

/** The node label Kubernetes sets from the kubelet's GOARCH; nodeSelector and affinity key. */
export const KUBERNETES_ARCH_LABEL = "kubernetes.io/arch";

/** Lambda's default when a function does not set `architectures`. */
export const LAMBDA_DEFAULT_ARCHITECTURE: Architecture = "x86_64";

/**
 * The instance type @pulumi/eks gives a self-managed node group, and an eks.Cluster's default node
 * group, when none is set (pulumi-eks nodejs/eks/nodes/instances.ts DEFAULT_INSTANCE_TYPE); with no
 * amiType it picks the AMI for that type's architecture.
 */
export const EKS_COMPONENT_DEFAULT_INSTANCE_TYPE = "t3.medium";

/** ECS's default when a task definition has no `runtimePlatform.cpuArchitecture`. */
export const ECS_DEFAULT_ARCHITECTURE: Architecture = "x86_64";

/** Architecture an EKS AMI type boots, or undefined for an AMI type not in the catalog (e.g. CUSTOM). */
export function amiTypeArchitecture(amiType: string | undefined | null): Architecture | undefined {
    return typeof amiType === "string" ? EKS_AMI_TYPES[amiType] : undefined;
}

/** The family of an instance type: `m7g` of `m7g.large`; undefined when it is not `family.size`. */
export function instanceFamily(instanceType: string): string | undefined {
    const match = /^([a-z][a-z0-9-]*)\.([a-z0-9-]+)$/.exec(instanceType.trim().toLowerCase());
    return match ? match[1] : undefined;
}

/**
 * Architecture of an EC2 instance type. Families in {@link GRAVITON_FAMILIES} are arm64; a family
 * not listed follows AWS's naming rule that a `g` right after the generation digit marks Graviton
 * (m9g, c9gd…), so a family newer than the catalog is still classified. Everything else is x86_64.
 * Apple-silicon `mac` hosts are not node-group capable and come back undefined, as does a
 * malformed name.
 */
export function instanceTypeArchitecture(instanceType: string | undefined | null): Architecture | undefined {
    if (typeof instanceType !== "string") {
        return undefined;
    }
    const family = instanceFamily(instanceType);
    if (family === undefined || family.startsWith("mac")) {
        return undefined;
    }
    if (GRAVITON_FAMILIES.has(family) || /^[a-z]+\d+g[a-z]*$/.test(family)) {
        return "arm64";
    }
    return "x86_64";
}

/**
 * Why `instanceType` cannot serve `holder` ("this node group", "the service") of `arch`: not an
 * instance type at all, or one of the other architecture; undefined when it can.
 */
export function instanceTypeProblem(instanceType: string, arch: Architecture, holder: string): string | undefined {
    const actual = instanceTypeArchitecture(instanceType);
    if (actual === arch) {
        return undefined;
    }
    return actual === undefined
        ? `'${instanceType}' is not an EC2 instance type (family.size)`
        : `'${instanceType}' is ${actual} but ${holder} is ${arch}; use ${arch} types such as '${DEFAULT_INSTANCE_TYPES[arch][0]}'`;
}

/**
 * Graviton families and their x86_64 siblings of the same generation and purpose (general,
 * compute, memory, burstable): same sizes, same vCPU and memory per size, so `m7g.large` and
 * `m7i.large` are the two answers to one sizing. The plan's cost alternatives and the price table's
 * test (a Graviton instance costs less than its sibling) read this.
 */
export const GRAVITON_X86_SIBLINGS: Readonly<Record<string, string>> = {
    t4g: "t3",
    m6g: "m6i", m7g: "m7i", m8g: "m8i",
    c6g: "c6i", c7g: "c7i", c8g: "c8i",
    r6g: "r6i", r7g: "r7i", r8g: "r8i",
};

/**
 * The sizes both families of a sibling pair have: burstable t4g/t3 from nano to 2xlarge; the others
 * from large to 16xlarge (x86 families have no medium, Graviton 6g/7g none above 16xlarge, and
 * their metal sizes differ).
 */
const SHARED_SIZES = {
    burstable: ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"],
    other: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
} as const;

/**
 * The instance type of the same size in the sibling family of `arch` (`m7g.large` → `m7i.large`
 * for x86_64); the type itself when it already is `arch`; undefined when the catalog knows no
 * sibling, or the sibling family has no such size (`m7g.medium`).
 */
export function siblingInstanceType(instanceType: string, arch: Architecture): string | undefined {
    if (instanceTypeArchitecture(instanceType) === arch) {
        return instanceType;
    }
    const family = instanceFamily(instanceType);
    const size = instanceType.trim().toLowerCase().split(".")[1];
    const sibling = family === undefined ? undefined : arch === "x86_64"
        ? GRAVITON_X86_SIBLINGS[family]
        : Object.keys(GRAVITON_X86_SIBLINGS).find((graviton) => GRAVITON_X86_SIBLINGS[graviton] === family);
    const sizes: readonly string[] = family?.startsWith("t") ? SHARED_SIZES.burstable : SHARED_SIZES.other;
    return sibling === undefined || !sizes.includes(size) ? undefined : `${sibling}.${size}`;
}

/** The architecture a target runs when a service does not choose one. */
export function defaultArchitecture(target: ComputeTarget): Architecture {
    return TARGETS[target].defaultArchitecture;
}

/** The other of the two architectures (a mixed EKS cluster's second node group). */
export function otherArchitecture(arch: Architecture): Architecture {
    return arch === ARCHITECTURES[0] ? ARCHITECTURES[1] : ARCHITECTURES[0];
}

/** Why `target` cannot run an image index of several architectures, or undefined when it can. */
export function singleManifestReason(target: ComputeTarget): string | undefined {
    return TARGETS[target].singleManifest;
}

/** Whether `target` can run `arch`. */
export function targetSupports(target: ComputeTarget, arch: Architecture): boolean {
    return TARGETS[target].supported.includes(arch);
}

/** Why `target` cannot run `arch`, or undefined when it can. */
export function targetRestriction(target: ComputeTarget, arch: Architecture): string | undefined {
    if (targetSupports(target, arch)) {
        return undefined;
    }
    return TARGETS[target].restriction ?? `${target} cannot run ${arch}`;
}

/** The AMI type for a node group of `arch` on the given OS family. */
export function nodeGroupAmiType(arch: Architecture, os: "al2023" | "bottlerocket" = "al2023"): string {
    return DEFAULT_AMI_TYPES[arch][os];
}

/** Per-architecture runtime settings as container environment variables. */
export function runtimeEnvironment(arch: Architecture, vcpus: number): Record<string, string> {
    const defaults = RUNTIME_DEFAULTS[arch];
    const env: Record<string, string> = {
        POLYARCH_ARCH: arch,
        WEB_CONCURRENCY: String(Math.max(1, Math.round(defaults.workersPerVcpu * vcpus))),
    };
    if (defaults.mallocArenaMax > 0) {
        env.MALLOC_ARENA_MAX = String(defaults.mallocArenaMax);
    }
    return env;
}

/**
 * Runtime settings for a container that may be scheduled on any of `architectures` (an index on a
 * mixed cluster): only what holds on every one of them. POLYARCH_ARCH is left out, so the service
 * reads its CPU at run time (every sample service falls back to `os.arch()`), and the worker count
 * is the smallest the architectures call for.
 */
export function runtimeEnvironmentForAny(architectures: readonly Architecture[], vcpus: number): Record<string, string> {
    if (architectures.length === 1) {
        return runtimeEnvironment(architectures[0], vcpus);
    }
    const all = architectures.map((arch) => runtimeEnvironment(arch, vcpus));
    const env: Record<string, string> = {
        WEB_CONCURRENCY: String(Math.min(...all.map((e) => Number(e.WEB_CONCURRENCY)))),
    };
    const arenas = all.map((e) => e.MALLOC_ARENA_MAX);
    if (arenas.every((value) => value !== undefined && value === arenas[0])) {
        env.MALLOC_ARENA_MAX = arenas[0] as string;
    }
    return env;
}

/** Human list for error messages: `'arm64' or 'x86_64'`. */
export function describeChoices(values: readonly string[]): string {
    const quoted = values.map((v) => `'${v}'`);
    return quoted.length <= 1 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}
