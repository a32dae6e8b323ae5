/**
 * `polyarch verify-images [--project DIR] [--stacks dev,prod] [--prove-checks]` (`npm run
 * images:verify` here)
 *
 * Builds every service image of the stacks for every platform the recorded plan gives it — the
 * same Dockerfile, context, build args and target platform ServiceImage passes docker-build — with
 * a real OCI builder (buildah, chroot isolation), pushes it to a loopback registry, and checks
 * what the registry and the image's own files say: one image manifest, the catalog's os/arch in
 * the config, the machine of every ELF file under the application, a numeric non-root USER, the
 * HEALTHCHECK, the size budget, and that the image's own code runs (under qemu-user for a foreign
 * CPU). The platform images of each planned docker-build Index are joined into an index the same
 * way and read back through the pack's registry client. `--prove-checks` also builds deliberately
 * broken variants and fails unless each is caught.
 * Exit: 0 all pass, 1 a check failed, 2 a missing tool or bad usage.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Architecture, dockerPlatform, parseArchitecture, targetArch } from "@polyarch/platform";
import { parseImageReference } from "polyarch-policies/dist/lib/oci-reference";
import { RegistryImage, fetchRegistryImage, platformString } from "polyarch-policies/dist/lib/registry-client";
import { Builder, storageDriver } from "./buildah";
import { foreignElfFiles } from "./elf";
import { forEachFile } from "./files";
import {
    ImageConfig, ImageManifest, compressedBytes, healthcheckProblem, manifestProblem, platformProblem, sizeProblem, userProblem,
} from "./image-checks";
import { LocalRegistry } from "./local-registry";
import { PlannedBuild, PlannedIndex, plannedImages } from "./planned-builds";
import { checkHttpService, checkLambdaHandler } from "./run-checks";
import { StandInRecipe, baseImages, ensureStandIns, recipeFor, registriesConf } from "./stand-in-bases";
import { ToolchainError, ensureToolchain } from "./toolchain";
import { UsageError, helpText, invocationDirectory, parseCommandLine, runCommand, usageLine, writeAll } from "../command";
import { VERIFY_IMAGES } from "../specs";
import { InputError } from "../input-error";
import { ProgramError } from "../policy-gate/program-error";
import { findProjectRoot, listStacks } from "../stack-file";


/**
 * Uncompressed size budgets (MB). The seeds' target for a slim runtime image is ~250 MB against a
 * 2.1 GB naive one; the stand-in bases are larger than the real ones (Debian minbase keeps apt,
 * perl-base and the full npm), so the budget leaves that margin and no more.
 */
export const SIZE_BUDGET_MB: Readonly<Record<string, number>> = { "catalog-api": 330, storefront: 330, thumbnails: 360 };
const DEFAULT_BUDGET_MB = 400;

/** The result of one image's checks: each is undefined (pass) or what failed. */
export interface ImageResult {
    label: string;
    /** Where it was pushed in the loopback registry. */
    reference: string;
    platform: string;
    digest: string;
    compressedMb: number;
    uncompressedMb: number;
    elf: string;
    run: string;
    problems: string[];
}

interface Context {
    builder: Builder;
    registry: string;
    secrets: string[];
    hostPlatform: string;
    log: (line: string) => void;
}

/** One build variant: the planned build, plus whatever a --prove-checks case changes. */
interface BuildSpec {
    label: string;
    build: PlannedBuild;
    extraBuildArgs?: Record<string, string>;
    format?: "docker" | "oci";
    dockerfile?: string;
    /** Push an index of the one image instead (what exec-mode buildx does with attestations). */
    pushAsIndex?: boolean;
}

/** What the pack's registry client reads for a reference in the loopback registry, or why it could not. */
async function readWithPackClient(reference: string, endpoint: string): Promise<{ image: RegistryImage } | { problem: string }> {
    const parsed = parseImageReference(reference);
    if (parsed === undefined) {
        return { problem: `the registry rule cannot parse ${reference}` };
    }
    try {
        return { image: await fetchRegistryImage(parsed, { endpoint, signal: AbortSignal.timeout(10_000) }) };
    } catch (err) {
        return { problem: `the registry rule could not read ${reference}: ${(err as Error).message}` };
    }
}

/** The platform the pack's registry client reads for a pushed image, against the planned architecture. */
async function registryRuleProblem(reference: string, endpoint: string, arch: Architecture): Promise<string | undefined> {
    const read = await readWithPackClient(reference, endpoint);
    if ("problem" in read) {
        return read.problem;
    }
    const { image } = read;
    if (image.kind === "index") {
        return `the registry rule reads an index (${image.platforms.map(platformString).join(", ")}), not one ${dockerPlatform(arch)} manifest`;
    }
    const platform = platformString(image.platform);
    return parseArchitecture(platform) === arch ? undefined : `the registry rule reads ${platform}, expected ${dockerPlatform(arch)}`;
}

async function buildAndCheck(spec: BuildSpec, ctx: Context): Promise<ImageResult> {
    const { build } = spec;
    const arch = build.architecture;
    const reference = `${ctx.registry}/polyarch/${build.service}:${spec.label.replace(/[^a-z0-9_.-]/gi, "-")}`;
    const buildArgs = { ...build.buildArgs, ...spec.extraBuildArgs };
    const started = Date.now();
    ctx.log(`building ${spec.label} for ${build.platform}…`);
    ctx.builder.buildah(["build", "--quiet", "--isolation", "chroot", "--format", spec.format ?? "docker", "--pull=always", "--tls-verify=false",
        "--platform", build.platform,
        // buildah 1.28 does not set BUILDPLATFORM itself: without it, `FROM --platform=$BUILDPLATFORM`
        // silently becomes the target platform and every RUN would need emulation.
        "--build-arg", `BUILDPLATFORM=${ctx.hostPlatform}`,
        ...Object.entries(buildArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
        ...(build.target ? ["--target", build.target] : []),
        ...ctx.secrets,
        "-f", spec.dockerfile ?? build.dockerfile, "-t", reference, build.context]);
    if (spec.pushAsIndex) {
        const list = `${reference}-index`;
        ctx.builder.buildah(["manifest", "rm", list], { allowFailure: true });
        ctx.builder.buildah(["manifest", "create", list, reference]);
        ctx.builder.buildah(["manifest", "push", "--quiet", "--all", "--tls-verify=false", list, `docker://${reference}`]);
    } else {
        ctx.builder.buildah(["push", "--quiet", "--tls-verify=false", reference, `docker://${reference}`]);
    }
    const manifest = ctx.builder.inspect<ImageManifest>(reference, "manifest");
    const problems: string[] = [];
    const add = (problem: string | undefined) => problem && problems.push(problem);
    add(manifestProblem(manifest));
    // What the pack's registry rule will read for this image at `pulumi up`, through its own client.
    add(await registryRuleProblem(reference, `http://${ctx.registry}`, arch));
    const config = ctx.builder.inspect<ImageConfig>(reference, "config", build.platform);
    add(platformProblem(config, arch));
    const isLambda = (config.config?.Env ?? []).some((e) => e.startsWith("LAMBDA_TASK_ROOT="));
    if (!isLambda) {
        // Lambda runs the function as its own unprivileged user; every other target verifies USER.
        add(userProblem(config));
    }
    add(healthcheckProblem(config, /^HEALTHCHECK\s+(?!NONE)/m.test(fs.readFileSync(spec.dockerfile ?? build.dockerfile, "utf8"))));

    const container = ctx.builder.buildah(["from", "--pull-never", reference]).stdout.trim().split("\n").pop() as string;
    let elf = "-";
    let run = "-";
    let uncompressed = 0;
    try {
        const rootfs = ctx.builder.buildah(["mount", container]).stdout.trim();
        uncompressed = directoryBytes(rootfs);
        add(sizeProblem(uncompressed, SIZE_BUDGET_MB[build.service] ?? DEFAULT_BUDGET_MB));
        // The whole root, not only the application: a final stage that silently inherits the
        // builder's platform ships another CPU's runtime under a correct-looking config.
        const { elfCount, foreign } = foreignElfFiles(rootfs, ["/"], arch);
        elf = foreign.length === 0 ? `${elfCount} ok` : `${foreign.length}/${elfCount} foreign`;
        if (foreign.length > 0) {
            problems.push(`ELF files of another machine: ${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ""}`);
        }
        if (isLambda) {
            const result = checkLambdaHandler(rootfs, arch, config);
            run = result.problem ? "FAIL" : "resized";
            add(result.problem && `handler did not run: ${result.problem}`);
        } else {
            const problem = await checkHttpService(rootfs, arch, config);
            run = problem ? "FAIL" : "healthy";
            add(problem && `service did not become healthy: ${problem}`);
        }
    } finally {
        ctx.builder.buildah(["umount", container], { allowFailure: true });
        ctx.builder.buildah(["rm", container], { allowFailure: true });
    }
    const digest = ctx.builder.buildah(["images", "--digests", "--format", "{{.Digest}}", "--filter", `reference=${reference}`], { allowFailure: true }).stdout.trim().split("\n")[0] ?? "";
    ctx.log(`  ${spec.label} ${build.platform}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
        label: spec.label, reference, platform: build.platform, digest: digest.slice(0, 19),
        compressedMb: compressedBytes(manifest) / 1e6, uncompressedMb: uncompressed / 1e6,
        elf, run, problems,
    };
}

/**
 * Joins the pushed platform images of a planned docker-build Index into one index, as the Index
 * resource does (a manifest list of the sources, pushed under one tag), and checks what the pack's
 * registry client reads back: an index of exactly the planned platforms, each a verified build.
 */
async function indexCheck(index: PlannedIndex, pushed: Map<PlannedBuild, ImageResult>, ctx: Context): Promise<ImageResult> {
    const label = `${index.service} index (${index.stacks.join(", ")})`;
    const reference = `${ctx.registry}/polyarch/${index.service}:index`;
    const planned = index.builds.map((b) => b.platform);
    const sources = index.builds.map((b) => pushed.get(b));
    const problems = sources.flatMap((r, i) => r === undefined ? [`the ${planned[i]} image was not built`]
        : r.problems.length > 0 ? [`the ${planned[i]} image failed its checks`] : []);
    let digest = "";
    if (problems.length === 0) {
        const list = `polyarch-index-${index.service}`;
        ctx.builder.buildah(["manifest", "rm", list], { allowFailure: true });
        ctx.builder.buildah(["manifest", "create", list]);
        for (const source of sources as ImageResult[]) {
            ctx.builder.buildah(["manifest", "add", "--tls-verify=false", list, `docker://${source.reference}`]);
        }
        ctx.builder.buildah(["manifest", "push", "--quiet", "--all", "--tls-verify=false", list, `docker://${reference}`]);
        const read = await readWithPackClient(reference, `http://${ctx.registry}`);
        if ("problem" in read) {
            problems.push(read.problem);
        } else {
            const { image } = read;
            digest = image.digest;
            const platforms = image.kind === "index" ? image.platforms.map(platformString) : [platformString(image.platform)];
            if (image.kind !== "index" || [...platforms].sort().join() !== [...planned].sort().join()) {
                problems.push(`the registry client reads ${image.kind === "index" ? "an index of" : "one manifest,"} ${platforms.join(", ")}; planned an index of ${planned.join(", ")}`);
            }
        }
    }
    return {
        label, reference, platform: planned.join(","), digest: digest.slice(0, 19), compressedMb: 0, uncompressedMb: 0,
        elf: "-", run: "-", problems,
    };
}

function directoryBytes(dir: string): number {
    let total = 0;
    forEachFile(dir, (file) => { total += fs.lstatSync(file).size; });
    return total;
}

/** Broken variants of real builds; each names the check that must catch it. */
function proofCases(builds: PlannedBuild[], scratch: string): { spec: BuildSpec; mustFail: RegExp }[] {
    const find = (service: string, arch: Architecture) => builds.find((b) => b.service === service && b.architecture === arch);
    const lambda = builds.find((b) => b.service === "thumbnails" && b.architecture === "arm64");
    const http = builds.find((b) => b.service === "storefront") ?? builds.find((b) => b.service === "catalog-api");
    const cases: { spec: BuildSpec; mustFail: RegExp }[] = [];
    if (lambda) {
        // npm fetches the x64 sharp while the image is labelled arm64: the "exec format error" case.
        cases.push({ spec: { label: "proof-x64-sharp-in-arm64", build: lambda, extraBuildArgs: { TARGETARCH: targetArch("x86_64") } }, mustFail: /ELF files of another machine[\s\S]*handler did not run/ });
        cases.push({ spec: { label: "proof-lambda-index", build: lambda, pushAsIndex: true }, mustFail: /expected one image manifest/ });
    }
    if (http) {
        cases.push({ spec: { label: "proof-oci-drops-healthcheck", build: http, format: "oci" }, mustFail: /HEALTHCHECK is missing/ });
        const named = path.join(scratch, "Dockerfile.named-user");
        fs.writeFileSync(named, fs.readFileSync(http.dockerfile, "utf8").replace(/^USER .*$/m, "USER node"));
        cases.push({ spec: { label: "proof-named-user", build: http, dockerfile: named }, mustFail: /USER 'node' is not numeric/ });
        // The buildah trap: a final stage without its own --platform inherits the builder stage's.
        const inherited = path.join(scratch, "Dockerfile.inherited-platform");
        fs.writeFileSync(inherited, fs.readFileSync(http.dockerfile, "utf8").replace(/^FROM --platform=\$TARGETPLATFORM /m, "FROM "));
        const foreign = find(http.service, "arm64") ?? http;
        // Its config still says arm64 (so config.architecture is no evidence): the files tell.
        cases.push({ spec: { label: "proof-inherited-platform", build: foreign, dockerfile: inherited }, mustFail: /ELF files of another machine[\s\S]*did not become healthy/ });
    }
    return cases;
}

function table(results: ImageResult[]): string {
    const headers = ["IMAGE", "PLATFORM", "DIGEST", "COMPRESSED", "UNCOMPRESSED", "ELF", "RUN", "VERDICT"];
    const rows = results.map((r) => [r.label, r.platform, r.digest, `${r.compressedMb.toFixed(1)} MB`, `${r.uncompressedMb.toFixed(1)} MB`,
        r.elf, r.run, r.problems.length === 0 ? "ok" : "FAIL"]);
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export async function main(argv: string[]): Promise<number> {
    let projectRoot: string;
    let stacks: string[];
    let prove: boolean;
    try {
        const parsed = parseCommandLine(VERIFY_IMAGES, argv);
        if (parsed === "help") {
            await writeAll(process.stdout, helpText(VERIFY_IMAGES));
            return 0;
        }
        if (parsed.positionals.length > 0) {
            throw new UsageError(`unknown argument '${parsed.positionals[0]}': verify-images takes flags only`);
        }
        const base = invocationDirectory();
        const project = parsed.values.project as string | undefined;
        projectRoot = project === undefined ? findProjectRoot(base) : path.resolve(base, project);
        stacks = (parsed.values.stacks as string | undefined)?.split(",").filter((stack) => stack !== "") ?? listStacks(projectRoot);
        prove = parsed.values["prove-checks"] === true;
    } catch (error) {
        if (error instanceof UsageError || InputError.isInstance(error)) {
            await writeAll(process.stderr, `error: ${error.message}\n${error instanceof UsageError ? `${usageLine(VERIFY_IMAGES)}\n` : ""}`);
            return 2;
        }
        throw error;
    }
    // What the program would build, first: a bad stack or a failing program is said before any tool is installed.
    process.chdir(projectRoot);
    let planned: Awaited<ReturnType<typeof plannedImages>>;
    try {
        planned = await plannedImages(projectRoot, stacks);
    } catch (error) {
        // As the plan says them: a refused flag, file or config value exit 2, a failed program exit 3, one line each.
        if (InputError.isInstance(error) || ProgramError.isInstance(error)) {
            await writeAll(process.stderr, `error: ${error.message}\n`);
            return InputError.isInstance(error) ? 2 : 3;
        }
        throw error;
    }
    const { builds, indexes } = planned;
    const log = (line: string) => process.stderr.write(`${line}\n`);
    try {
        ensureToolchain(log);
    } catch (error) {
        if (error instanceof ToolchainError) {
            process.stderr.write(`error: ${error.message}\n`);
            return 2;
        }
        throw error;
    }
    const hostArch = parseArchitecture(process.arch);
    if (hostArch === undefined) {
        process.stderr.write(`error: this host's CPU (${process.arch}) is not one polyarch builds on\n`);
        return 2;
    }
    const started = Date.now();
    const recipes = new Map<string, StandInRecipe>();
    for (const build of builds) {
        for (const base of baseImages(build.dockerfile)) {
            const recipe = recipeFor(base);
            if (recipe === undefined) {
                process.stderr.write(`error: ${path.relative(projectRoot, build.dockerfile)} builds FROM '${base}', which has no local stand-in (cli/src/images/stand-in-bases.ts)\n`);
                return 2;
            }
            recipes.set(recipe.reference, recipe);
        }
    }

    const cache = process.env.POLYARCH_IMAGE_CACHE ?? path.join(os.tmpdir(), "polyarch-images");
    fs.mkdirSync(cache, { recursive: true });
    const storage = { root: path.join(cache, "storage"), runroot: path.join(cache, "run"), driver: "" };
    storage.driver = storageDriver(storage.root, storage.runroot);
    const registry = await LocalRegistry.start(path.join(cache, "registry"));
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-verify-"));
    try {
        const conf = path.join(scratch, "registries.conf");
        fs.writeFileSync(conf, registriesConf([...recipes.values()], registry.address));
        const builder = new Builder(storage, conf);
        log(`registry ${registry.address}, storage ${storage.driver} in ${cache}`);
        ensureStandIns([...recipes.values()], builder, registry.address, cache, log);
        const secrets = npmSecrets(scratch);
        const ctx: Context = { builder, registry: registry.address, secrets, hostPlatform: `linux/${targetArch(hostArch)}`, log };

        const results: ImageResult[] = [];
        const pushed = new Map<PlannedBuild, ImageResult>();
        for (const build of builds) {
            const result = await buildAndCheck({ label: `${build.service} (${build.stacks.join(", ")})`, build }, ctx);
            pushed.set(build, result);
            results.push(result);
        }
        for (const index of indexes) {
            results.push(await indexCheck(index, pushed, ctx));
        }
        process.stdout.write(`${table(results)}\n`);
        for (const r of results.filter((x) => x.problems.length > 0)) {
            process.stdout.write(`FAIL ${r.label} ${r.platform}:\n${r.problems.map((p) => `  - ${p}`).join("\n")}\n`);
        }
        let passed = results.filter((r) => r.problems.length === 0).length;
        let failedCount = results.length - passed;
        if (prove) {
            process.stdout.write("\nProving each check fails on a broken image:\n");
            for (const { spec, mustFail } of proofCases(builds, scratch)) {
                const result = await buildAndCheck(spec, ctx);
                const caught = mustFail.test(result.problems.join("\n"));
                process.stdout.write(`${caught ? "caught " : "MISSED "} ${spec.label}: ${result.problems.join("; ") || "no problem reported"}\n`);
                passed += caught ? 1 : 0;
                failedCount += caught ? 0 : 1;
            }
            // An index whose entries are not the planned platforms (one platform's image twice).
            for (const index of indexes) {
                const first = pushed.get(index.builds[0]) as ImageResult;
                const wrong = new Map(index.builds.map((b) => [b, first] as const));
                const result = await indexCheck({ ...index, service: `${index.service}-proof` }, wrong, ctx);
                const caught = /planned an index of/.test(result.problems.join("\n"));
                process.stdout.write(`${caught ? "caught " : "MISSED "} proof-index-missing-a-platform (${index.service}): ${result.problems.join("; ") || "no problem reported"}\n`);
                passed += caught ? 1 : 0;
                failedCount += caught ? 0 : 1;
            }
        }
        process.stdout.write(`\n${failedCount > 0 ? "FAIL" : "PASS"}: ${results.length} image(s) in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
        // Read by .ci/run: each image, and each broken variant that must be caught, is one check.
        process.stdout.write(`images: ${passed} passed, ${failedCount} failed\n`);
        return failedCount > 0 ? 1 : 0;
    } finally {
        registry.stop();
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

/**
 * The machine's npm registry settings and CA as build secrets (ids `npmrc`, `npm-ca`), mounted only
 * for the RUN steps that name them, never written into a layer: the private-registry mechanism.
 */
function npmSecrets(dir: string): string[] {
    const get = (key: string) => execFileSync("npm", ["config", "get", key], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const registry = get("registry");
    const cafile = get("cafile");
    const lines = [`registry=${registry}`];
    const secrets: string[] = [];
    if (cafile && cafile !== "null" && cafile !== "undefined" && fs.existsSync(cafile)) {
        lines.push("cafile=/run/secrets/npm-ca");
        secrets.push("--secret", `id=npm-ca,src=${cafile}`);
    }
    const npmrc = path.join(dir, "npmrc");
    fs.writeFileSync(npmrc, `${lines.join("\n")}\n`, { mode: 0o600 });
    return ["--secret", `id=npmrc,src=${npmrc}`, ...secrets];
}

if (require.main === module) {
    runCommand(main);
}
