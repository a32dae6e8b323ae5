import { ECS_DEFAULT_ARCHITECTURE, TARGETS, parseArchitecture } from "@polyarch/platform";
import { UNKNOWN, isUnknown, read } from "../props";
import { Consumer } from "./consumer";
import { literalStrings } from "./literal-strings";

export const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";

/** An ECS task definition: `runtimePlatform.cpuArchitecture` (X86_64 when unset) must match every container image. */
export const ecsConsumer: Consumer = {
    type: ECS_TASK_DEFINITION,
    noun: "ECS task definition",
    runsOn: TARGETS.ecs.runsOn,
    imageInputs: ["containerDefinitions"],
    imageReferences(props) {
        const definitions = read(props, "containerDefinitions");
        if (typeof definitions !== "string" || isUnknown(definitions)) {
            return [];
        }
        try {
            const parsed = JSON.parse(definitions) as { image?: unknown }[];
            return Array.isArray(parsed) ? literalStrings(parsed.map((c) => c?.image)) : [];
        } catch {
            return [];
        }
    },
    architectures(props) {
        const value = read(props, "runtimePlatform", "cpuArchitecture");
        if (value === UNKNOWN) {
            return { kind: "unknown", source: "runtimePlatform.cpuArchitecture" };
        }
        if (value === undefined || value === null || value === "") {
            return { kind: "fixed", architectures: [ECS_DEFAULT_ARCHITECTURE], source: "runtimePlatform.cpuArchitecture unset (ECS defaults to X86_64)" };
        }
        const arch = parseArchitecture(String(value));
        return arch
            ? { kind: "fixed", architectures: [arch], source: `runtimePlatform.cpuArchitecture: ${String(value)}` }
            : { kind: "unknown", source: `runtimePlatform.cpuArchitecture: ${String(value)}` };
    },
};

