import { ECS_DEFAULT_ARCHITECTURE, TARGETS, ecsCpuArchitecture } from "@polyarch/platform";
import { UNKNOWN, read } from "../props";
import { ComputeArchitectures, Consumer } from "./consumer";
import { ecsConsumer } from "./ecs";
import { literalStrings } from "./literal-strings";

/**
 * awsx 3's ECS components (multi-language: their provider creates the aws.ecs.TaskDefinition).
 * A task definition takes `container` or `containers` (a map of name to container) and an
 * optional `runtimePlatform`, and passes them through to aws.ecs.TaskDefinition unchanged; it sets
 * no `runtimePlatform` of its own (pulumi-awsx awsx/ecs/fargateTaskDefinition.ts and
 * ec2TaskDefinition.ts), so ECS's X86_64 default applies exactly as for the task definition it
 * creates. A service takes the same arguments as `taskDefinitionArgs`, or an existing
 * `taskDefinition`, which is judged where it is declared.
 */
export const AWSX_ECS_TASK_DEFINITION_TYPES = ["awsx:ecs:FargateTaskDefinition", "awsx:ecs:EC2TaskDefinition"] as const;
export const AWSX_ECS_SERVICE_TYPES = ["awsx:ecs:FargateService", "awsx:ecs:EC2Service"] as const;

/** The task definition arguments a component holds: its own props, or a service's `taskDefinitionArgs`. */
function taskDefinitionArgs(type: string, props: Record<string, unknown>): unknown {
    return (AWSX_ECS_SERVICE_TYPES as readonly string[]).includes(type) ? read(props, "taskDefinitionArgs") : props;
}

/** The containers of awsx task definition arguments; undefined when they name none (nothing to judge). */
function containers(args: unknown): unknown[] | typeof UNKNOWN | undefined {
    if (args === UNKNOWN) {
        return UNKNOWN;
    }
    if (args === undefined || args === null || typeof args !== "object") {
        return undefined;
    }
    const single = read(args as Record<string, unknown>, "container");
    const many = read(args as Record<string, unknown>, "containers");
    if (single === UNKNOWN || many === UNKNOWN) {
        return UNKNOWN;
    }
    const list = [
        ...(single !== undefined && single !== null ? [single] : []),
        ...(many !== null && typeof many === "object" ? Object.values(many) : []),
    ];
    return list.length === 0 ? undefined : list;
}

/** The input that sets an ECS consumer's architecture, as its user writes it. */
export function cpuArchitectureInput(type: string): string {
    return (AWSX_ECS_SERVICE_TYPES as readonly string[]).includes(type) ? "taskDefinitionArgs.runtimePlatform.cpuArchitecture" : "runtimePlatform.cpuArchitecture";
}

function awsxEcsConsumer(type: string, imageInputs: readonly string[]): Consumer {
    const service = (AWSX_ECS_SERVICE_TYPES as readonly string[]).includes(type);
    const where = cpuArchitectureInput(type);
    return {
        type,
        noun: `awsx ${type.split(":").pop() ?? "ECS component"}`,
        runsOn: TARGETS.ecs.runsOn,
        imageInputs,
        component: true,
        imageReferences(props) {
            const list = containers(taskDefinitionArgs(type, props));
            return Array.isArray(list) ? literalStrings(list.map((c) => read(c as Record<string, unknown>, "image"))) : [];
        },
        architectures(props): ComputeArchitectures {
            const args = taskDefinitionArgs(type, props);
            const list = containers(args);
            if (list === undefined) {
                // A service given an existing `taskDefinition`, or awsx's own nested task definition
                // (registered with no inputs): the task definition that runs is judged elsewhere.
                return { kind: "not-applicable" };
            }
            if (args === UNKNOWN) {
                return { kind: "unknown", source: service ? "taskDefinitionArgs" : "runtimePlatform" };
            }
            // The same reading as the aws.ecs.TaskDefinition awsx creates from these arguments.
            const arch = ecsConsumer.architectures(args as Record<string, unknown>);
            if (arch.kind === "fixed" && read(args as Record<string, unknown>, "runtimePlatform", "cpuArchitecture") === undefined) {
                return { ...arch, source: `${where} unset (awsx sets none; ECS defaults to ${ecsCpuArchitecture(ECS_DEFAULT_ARCHITECTURE)})` };
            }
            return arch.kind === "fixed" || arch.kind === "unknown" ? { ...arch, source: arch.source.replace("runtimePlatform.cpuArchitecture", where) } : arch;
        },
    };
}

export const AWSX_ECS_CONSUMERS: readonly Consumer[] = [
    ...AWSX_ECS_TASK_DEFINITION_TYPES.map((type) => awsxEcsConsumer(type, ["container", "containers"])),
    ...AWSX_ECS_SERVICE_TYPES.map((type) => awsxEcsConsumer(type, ["taskDefinitionArgs"])),
];
