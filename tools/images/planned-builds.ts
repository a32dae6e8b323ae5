import * as path from "path";
import { Architecture, parseArchitecture } from "../../components/platform";
import { runProgramUnderMocks } from "../policy-gate/run-program";
import { readProjectFile, readStackFile } from "../stack-file";

/** One image build exactly as `ServiceImage` hands it to docker-build, for one platform. */
export interface PlannedBuild {
    /** `catalog-api`: the docker-build Image's name without its `-image` role suffix. */
    service: string;
    /** The stacks that build this very image (same context, Dockerfile, platform, args, target). */
    stacks: string[];
    /** Absolute build context and Dockerfile. */
    context: string;
    dockerfile: string;
    platform: string;
    architecture: Architecture;
    buildArgs: Record<string, string>;
    target?: string;
}

/** docker-build's `Image` type token, the resource every ServiceImage registers. */
const IMAGE_TYPE = "docker-build:index:Image";

/**
 * The builds the real `infra/` program registers for each stack, read from its recorded plan
 * (not from a second list), so the verification builds what `pulumi up` would build.
 */
export async function plannedBuilds(projectRoot: string, stacks: string[]): Promise<PlannedBuild[]> {
    const project = readProjectFile(projectRoot);
    const builds = new Map<string, PlannedBuild>();
    for (const stack of stacks) {
        const run = await runProgramUnderMocks(project.entry, project.name, readStackFile(projectRoot, stack));
        for (const resource of run.resources.filter((r) => r.type === IMAGE_TYPE)) {
            const inputs = resource.inputs as {
                context: { location: string }; dockerfile?: { location: string }; platforms: string[];
                buildArgs?: Record<string, string>; target?: string;
            };
            // ServiceImage passes paths relative to the working directory the program ran in.
            const context = path.resolve(inputs.context.location);
            const dockerfile = path.resolve(inputs.dockerfile?.location ?? path.join(context, "Dockerfile"));
            for (const platform of inputs.platforms) {
                const architecture = parseArchitecture(platform);
                if (architecture === undefined) {
                    throw new Error(`${resource.urn}: platform '${platform}' is not in the catalog`);
                }
                const build: PlannedBuild = {
                    service: resource.name.replace(/-image$/, ""),
                    stacks: [stack],
                    context, dockerfile, platform, architecture,
                    buildArgs: inputs.buildArgs ?? {},
                    target: inputs.target,
                };
                const key = JSON.stringify([build.service, context, dockerfile, platform, build.buildArgs, build.target ?? null]);
                const seen = builds.get(key);
                if (seen) {
                    seen.stacks.push(stack);
                } else {
                    builds.set(key, build);
                }
            }
        }
    }
    return [...builds.values()];
}
