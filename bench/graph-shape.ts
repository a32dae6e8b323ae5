/**
 * The shape of a gate run's resource graph, for the floor program: every resource the program
 * registered (the root Stack is the floor's own), in registration order, with its kind, parent
 * and dependencies as indexes, and its inputs (components: registered outputs) as plain values.
 * `node … graph-shape.ts <stack> <file> [<state file>]` runs the stack's program under mocks and
 * writes it; with a state file, also the state the stack's `pulumi up` would leave (for `--state`).
 */
import * as fs from "fs";
import * as path from "path";
import { RESOURCE_REFERENCE_SIG } from "../cli/src/policy-gate/engine-view";
/** This repository: the polyarch project the bench plans. */
const REPO_ROOT = path.resolve(__dirname, "..");
import { runProgramUnderMocks } from "../cli/src/policy-gate/run-program";
import { ROOT_STACK_TYPE } from "../cli/src/engine/urn";
import { isProviderType } from "../cli/src/engine/default-providers";
import { RecordedResource, replaceSigned, unwrapSecrets } from "../cli/src/recording-monitor";
import { readProjectFile, readStackFile } from "../cli/src/stack-file";
import { exportDeployment } from "../cli/src/engine/state-export";

export interface ShapeEntry {
    kind: "custom" | "component" | "provider";
    type: string;
    name: string;
    /** Index of the parent in the shape; -1 for the root Stack. */
    parent: number;
    /** Indexes of the resources it depends on through no input (`dependsOn`). */
    dependsOn: number[];
    /** Per input, the indexes of the resources its value came from (an Output of theirs in the program). */
    propertyDependencies: Record<string, number[]>;
    /** A custom resource's inputs, a component's registered outputs. */
    properties: Record<string, unknown>;
}

/** Resource references as the URN they name: the floor has no resource objects to pass there. */
function plain(value: unknown): unknown {
    return replaceSigned(value, RESOURCE_REFERENCE_SIG, (ref) => ref.urn);
}

export function graphShape(recorded: RecordedResource[]): ShapeEntry[] {
    const index = new Map<string, number>();
    const shape: ShapeEntry[] = [];
    for (const r of recorded) {
        if (r.type === ROOT_STACK_TYPE) {
            continue;
        }
        index.set(r.urn, shape.length);
        const kind = isProviderType(r.type) ? "provider" : r.custom ? "custom" : "component";
        const indexes = (urns: string[]) => [...new Set(urns)].map((urn) => index.get(urn)).filter((i): i is number => i !== undefined);
        const throughInputs = new Set(Object.values(r.propertyDependencies).flat());
        shape.push({
            kind, type: r.type, name: r.name,
            parent: index.get(r.parent) ?? -1,
            dependsOn: indexes(r.dependencies.filter((urn) => !throughInputs.has(urn))),
            propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies)
                .map(([key, urns]) => [key, indexes(urns)]).filter(([, deps]) => deps.length > 0)),
            properties: plain(unwrapSecrets(kind === "component" ? r.wireOutputs : r.wireInputs)) as Record<string, unknown>,
        });
    }
    return shape;
}

async function main(stack: string, file: string, stateFile: string | undefined): Promise<void> {
    const project = readProjectFile(REPO_ROOT);
    const run = await runProgramUnderMocks(project.entry, project.name, readStackFile(REPO_ROOT, stack), true);
    fs.writeFileSync(file, JSON.stringify(graphShape(run.resources)));
    if (stateFile !== undefined) {
        const update = await runProgramUnderMocks(project.entry, project.name, readStackFile(REPO_ROOT, stack), false);
        fs.writeFileSync(stateFile, JSON.stringify(exportDeployment(update.programOrder.map((i) => update.resources[i]))));
    }
}

if (require.main === module) {
    main(process.argv[2], path.resolve(process.argv[3]), process.argv[4] && path.resolve(process.argv[4])).then(() => process.exit(0), (err) => {
        process.stderr.write(`${String(err?.stack ?? err)}\n`);
        process.exit(1);
    });
}
