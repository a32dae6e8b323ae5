import * as fs from "fs";
import * as path from "path";
import { exportDeployment } from "../../cli/src/engine/state-export";
import { runProgramUnderMocks } from "../../cli/src/policy-gate/run-program";
import { readProjectFile, readStackFile } from "../../cli/src/stack-file";
import { useStack } from "./mock-runtime";

/**
 * Writes the `pulumi stack export` document a stack would have after `pulumi up`: the project's
 * program run under the gate as an update, every registration as the state keeps it.
 */
export async function exportStackState(projectDir: string, stack: string, file: string): Promise<string> {
    const project = readProjectFile(projectDir);
    try {
        const run = await runProgramUnderMocks(project.entry, project.name, readStackFile(projectDir, stack), false, undefined,
            { workingDirectory: project.workingDirectory, esModule: project.esModule, tsconfig: project.tsconfig, projectRoot: project.root });
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(exportDeployment(run.programOrder.map((i) => run.resources[i]))));
        return file;
    } finally {
        useStack("dev");
    }
}
