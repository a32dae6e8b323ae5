import * as path from "path";
import { ARCHITECTURES, Architecture, parseArchitecture, targetArch } from "@polyarch/platform";
import { runProgramUnderMocks } from "../policy-gate/run-program";
import { readProjectFile, readStackFile } from "../stack-file";

/** One image build exactly as `ServiceImage` hands it to docker-build, for one platform. */
export interface PlannedBuild {
    /** `catalog-api`: the docker-build Image's name without its role and platform suffixes. */
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

/** One docker-build `Index` of the plan: the builds it joins under one tag. */
export interface PlannedIndex {
    /** `catalog-api`: the Index's name without its `-index` role suffix. */
    service: string;
    stacks: string[];
    /** Its source builds, one per platform, in the order the Index lists them. */
    builds: PlannedBuild[];
}

/** docker-build's `Image` and `Index` type tokens, the resources ServiceImage and MultiArchImage register. */
const IMAGE_TYPE = "docker-build:index:Image";
const INDEX_TYPE = "docker-build:index:Index";

/** `catalog-api-arm64-image` (a MultiArchImage's platform image) and `catalog-api-image` both name `catalog-api`. */
const PLATFORM_SUFFIX = new RegExp(`-(${ARCHITECTURES.map(targetArch).join("|")})$`);
const serviceOf = (imageName: string) => imageName.replace(/-image$/, "").replace(PLATFORM_SUFFIX, "");

/**
 * The builds the real `infra/` program registers for each stack, read from its recorded plan
 * (not from a second list), so the verification builds what `pulumi up` would build. Builds with
 * the same inputs are one build, whichever service or stack asks for it.
 */
export async function plannedBuilds(projectRoot: string, stacks: string[]): Promise<PlannedBuild[]> {
    return (await plannedImages(projectRoot, stacks)).builds;
}

/** The plan's builds and the indexes that join them. */
export async function plannedImages(projectRoot: string, stacks: string[]): Promise<{ builds: PlannedBuild[]; indexes: PlannedIndex[] }> {
    const project = readProjectFile(projectRoot);
    const builds = new Map<string, PlannedBuild>();
    const indexes = new Map<string, PlannedIndex>();
    for (const stack of stacks) {
        const run = await runProgramUnderMocks(project.entry, project.name, readStackFile(projectRoot, stack), false, undefined,
            { workingDirectory: project.workingDirectory, esModule: project.esModule, tsconfig: project.tsconfig, projectRoot: project.root });
        const byUrn = new Map<string, PlannedBuild[]>();
        for (const resource of run.resources.filter((r) => r.type === IMAGE_TYPE)) {
            const inputs = resource.inputs as {
                context: { location: string }; dockerfile?: { location: string }; platforms: string[];
                buildArgs?: Record<string, string>; target?: string;
            };
            // docker-build reads relative paths from the working directory the program ran in.
            const context = path.resolve(project.workingDirectory, inputs.context.location);
            const dockerfile = path.resolve(project.workingDirectory, inputs.dockerfile?.location ?? path.join(context, "Dockerfile"));
            const planned: PlannedBuild[] = [];
            for (const platform of inputs.platforms) {
                const architecture = parseArchitecture(platform);
                if (architecture === undefined) {
                    throw new Error(`${resource.urn}: platform '${platform}' is not in the catalog`);
                }
                const build: PlannedBuild = {
                    service: serviceOf(resource.name),
                    stacks: [stack],
                    context, dockerfile, platform, architecture,
                    buildArgs: inputs.buildArgs ?? {},
                    target: inputs.target,
                };
                const key = JSON.stringify([context, dockerfile, platform, build.buildArgs, build.target ?? null]);
                const seen = builds.get(key);
                if (seen === undefined) {
                    builds.set(key, build);
                } else if (!seen.stacks.includes(stack)) {
                    seen.stacks.push(stack);
                }
                planned.push(builds.get(key) as PlannedBuild);
            }
            byUrn.set(resource.urn, planned);
        }
        for (const resource of run.resources.filter((r) => r.type === INDEX_TYPE)) {
            const sources = (resource.propertyDependencies.sources ?? []).flatMap((urn) => byUrn.get(urn) ?? []);
            const service = resource.name.replace(/-index$/, "");
            const key = JSON.stringify([service, sources.map((b) => b.platform)]);
            const seen = indexes.get(key);
            if (seen === undefined) {
                indexes.set(key, { service, stacks: [stack], builds: sources });
            } else {
                seen.stacks.push(stack);
            }
        }
    }
    return { builds: [...builds.values()], indexes: [...indexes.values()] };
}
