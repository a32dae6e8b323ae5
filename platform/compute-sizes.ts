/**
 * The CPU/memory combinations AWS accepts, one table per service. Each takes sizes only as fixed
 * pairs, not ranges: a pair outside the table fails at deploy ("No Fargate configuration
 * exists for given values"), so config validation, the components and the tests all read these.
 *
 * Pure data, no Pulumi imports (the components, the config schema and the cost estimate load it).
 */

function steps(from: number, to: number, step: number): number[] {
    const values: number[] = [];
    for (let value = from; value <= to; value += step) {
        values.push(value);
    }
    return values;
}

/**
 * Fargate (Linux) task sizes: CPU units → the memory values (MiB) allowed with it. Source: the ECS
 * API's `TaskDefinition.memory` documentation, which test/models/catalog-vs-aws.test.ts parses from
 * `@aws-sdk/client-ecs` and compares with this table.
 */
export const FARGATE_TASK_SIZES: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: steps(1024, 4096, 1024),
    1024: steps(2048, 8192, 1024),
    2048: steps(4096, 16384, 1024),
    4096: steps(8192, 30720, 1024),
    // 8 and 16 vCPU need Linux platform version 1.4.0 or later (the default, LATEST, is).
    8192: steps(16384, 61440, 4096),
    16384: steps(32768, 122880, 8192),
};

/**
 * ECS Express Mode task sizes: CPU units → the memory values (MiB) allowed with it. Express runs
 * Fargate tasks (the ECS model: a task definition given to CreateExpressGatewayService "must also
 * have FARGATE compatibility"), so every pair must be a Fargate pair; the ECS model documents
 * Express's `cpu`/`memory` with their defaults only (256 and 512), no range. The range is the
 * provider's (@pulumi/aws 7.48 `ecs/expressGatewayService.d.ts`: cpu "powers of 2 between 256 and
 * 4096", memory "between 512 and 8192"). So this table is FARGATE_TASK_SIZES cut to those limits:
 * the 2048-CPU row stops at 8192 and 4096 keeps only 8192, Fargate's smallest memory for 4 vCPU.
 * test/models/catalog-vs-aws.test.ts derives it again from the model and the provider's text.
 */
export const EXPRESS_TASK_SIZES: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: steps(1024, 4096, 1024),
    1024: steps(2048, 8192, 1024),
    2048: steps(4096, 8192, 1024),
    4096: [8192],
};

/**
 * App Runner instance sizes: CPU units (1024 = 1 vCPU) → memory values (MB) allowed with it.
 * Source: the App Runner developer guide's configuration table (the API model has only the
 * per-field patterns, which test/models/catalog-vs-aws.test.ts checks every value against).
 */
export const APPRUNNER_INSTANCE_SIZES: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024],
    512: [1024],
    1024: [2048, 3072, 4096],
    2048: [4096, 6144],
    4096: [8192, 10240, 12288],
};

/** The CPU values of a size table, ascending. */
export function cpuChoices(table: Readonly<Record<number, readonly number[]>>): number[] {
    return Object.keys(table).map(Number).sort((a, b) => a - b);
}

/**
 * Checks one CPU/memory pair against a size table. Returns undefined when valid, or which of the
 * two is wrong and what is allowed, phrased for an error message.
 */
export function sizeProblem(
    table: Readonly<Record<number, readonly number[]>>, service: string, cpu: number, memory: number,
): { field: "cpu" | "memory"; reason: string } | undefined {
    const memories = table[cpu];
    if (memories === undefined) {
        return { field: "cpu", reason: `got ${cpu}; ${service} allows ${cpuChoices(table).join(", ")} CPU units` };
    }
    if (!memories.includes(memory)) {
        return { field: "memory", reason: `got ${memory}; with cpu ${cpu} ${service} allows ${describeMemories(memories)} MB` };
    }
    return undefined;
}

/** "512, 1024 or 2048", or "4096 to 16384 in steps of 1024" for a long regular list. */
function describeMemories(values: readonly number[]): string {
    if (values.length > 4) {
        const step = values[1] - values[0];
        if (values.every((v, i) => i === 0 || v - values[i - 1] === step)) {
            return `${values[0]} to ${values[values.length - 1]} in steps of ${step}`;
        }
    }
    return values.length === 1 ? String(values[0]) : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}
