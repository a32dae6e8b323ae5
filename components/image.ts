import * as aws from "@pulumi/aws";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { hashBuildContext } from "./context-hash";
import { refuse } from "./errors";
import { ImageReference } from "./image-reference";
import {
    ARCHITECTURES, Architecture, SPELLINGS, describeChoices, dockerPlatform, isArchitecture, targetArch,
} from "./platform";
import { CACHE_TAG_PREFIX, platformReleaseTagPrefix } from "./registry";

const TYPE = "polyarch:image:ServiceImage";

/** The repository an image is pushed to: a `ServiceRepository` or any ECR repository's outputs. */
export interface RepositoryTarget {
    readonly repositoryUrl: pulumi.Input<string>;
    readonly repositoryArn: pulumi.Input<string>;
    readonly registryId: pulumi.Input<string>;
}

export interface ServiceImageArgs {
    /** ECR repository to push to. */
    repository: RepositoryTarget;
    /** Build context directory. */
    context: string;
    /** Dockerfile path; default `<context>/Dockerfile`. */
    dockerfile?: string;
    /** The one architecture to build for; the image's platform and every consumer derive from it. */
    architecture: Architecture;
    /**
     * The image runs on Lambda: it must be a single image manifest, never an index with provenance or
     * SBOM attestation manifests (Lambda rejects those). Refuses `exec: true`, see {@link exec}.
     */
    forLambda?: boolean;
    /**
     * Name of a buildx builder already configured on the machine running Pulumi (a native arm64 node,
     * a remote BuildKit, or a Docker Build Cloud builder), so arm64 is built natively, not under QEMU.
     */
    builder?: string;
    /**
     * Run the host's `docker-buildx` binary instead of docker-build's embedded client (needed by Docker
     * Build Cloud). The binary attaches provenance attestations by default, which turns the push into
     * an index, so this is refused for Lambda images.
     */
    exec?: boolean;
    /**
     * Extra build args; `TARGETARCH` and `POLYARCH_ARCH` are set from the architecture. Plain strings:
     * they are part of the release tag's identity, and build args are never the place for secrets
     * (they stay in the image history); pass those as docker-build `secrets`.
     */
    buildArgs?: Record<string, string>;
    /** Dockerfile stage to build. */
    target?: string;
    /**
     * Release tag suffix; default a digest of everything that changes the build (context files,
     * Dockerfile, platform, target, build args, builder, exec) and the time that build identity
     * was first deployed, so an unchanged build keeps its tag and any change, including a rollback
     * to an earlier build, gets a tag the repository has never held, as an immutable repository
     * requires. A tag you set here must be unique per build yourself.
     */
    releaseTag?: string;
    /** Keep the pushed image in the registry when it leaves the program (prod: a deployed digest must outlive it). */
    retainOnDelete?: boolean;
    /**
     * Build during `pulumi preview`. Default false, unlike docker-build (whose default is true): a
     * preview never pushes, yet docker-build's preview of a changed image returns the digest it
     * built, so every consumer would pin a `<repository>@sha256:…` that is not in the registry, and
     * the registry rules (mandatory in prod) would refuse it as not found. Without it a preview
     * needs no builder and leaves the digest unknown until `up`, where the image is pushed before
     * its consumer is analyzed. Opt in to see a Dockerfile fail at preview, on a stack whose
     * policy config keeps `image-platform-readable-from-registry` advisory (README, "Day two").
     */
    buildOnPreview?: boolean;
}

/** A release tag must be ECR-valid and is never `latest`. */
const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,100}$/;

/**
 * A container image for exactly one platform, built with docker-build and pushed to ECR, with a
 * registry cache per platform. `imageUri` pins the pushed digest: `<repositoryUrl>@sha256:…`.
 */
export class ServiceImage extends pulumi.ComponentResource implements ImageReference {
    public readonly image: dockerbuild.Image;
    /** `<repositoryUrl>@<digest>`: what Lambda, App Runner, ECS and Kubernetes run. */
    public readonly imageUri: pulumi.Output<string>;
    /** The sha256 digest of the pushed manifest. */
    public readonly digest: pulumi.Output<string>;
    /** The tag the image was pushed with. */
    public readonly tag: pulumi.Output<string>;
    public readonly architecture: Architecture;
    /** Docker platform, e.g. `linux/arm64`. */
    public readonly platform: string;
    public readonly repositoryArn: pulumi.Output<string>;

    constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = validate(name, args);
        super(TYPE, name, {}, opts);

        const arch = args.architecture;
        const platform = dockerPlatform(arch);
        const repositoryUrl = pulumi.output(args.repository.repositoryUrl);
        const cacheRef = pulumi.interpolate`${repositoryUrl}:${CACHE_TAG_PREFIX}${targetArch(arch)}`;
        const tag = args.releaseTag === undefined
            ? pulumi.interpolate`${platformReleaseTagPrefix(arch)}${settings.releaseTag}-${releaseGeneration(name, settings.releaseTag, this)}`
            : pulumi.output(`${platformReleaseTagPrefix(arch)}${settings.releaseTag}`);
        const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: args.repository.registryId }, { parent: this });

        this.image = new dockerbuild.Image(`${name}-image`, {
            // Relative to the working directory Pulumi gives the program and its plugins alike, so
            // the inputs (and docker-build's diff) do not change with where the repository is checked out.
            context: { location: settings.context },
            dockerfile: { location: settings.dockerfile },
            platforms: [platform as dockerbuild.types.enums.Platform],
            target: args.target,
            buildArgs: settings.buildArgs,
            tags: [pulumi.interpolate`${repositoryUrl}:${tag}`],
            push: true,
            registries: [{
                address: auth.proxyEndpoint,
                username: auth.userName,
                password: pulumi.secret(auth.password),
            }],
            // One cache ref per platform: an arm64 build never evicts the amd64 cache of the same repo.
            cacheFrom: [{ registry: { ref: cacheRef } }],
            cacheTo: [{
                registry: {
                    ref: cacheRef,
                    // ECR rejects buildx's default cache manifest list; it accepts an image manifest.
                    imageManifest: true,
                    ociMediaTypes: true,
                    mode: dockerbuild.types.enums.CacheMode.Max,
                },
            }],
            builder: args.builder ? { name: args.builder } : undefined,
            // The embedded client disables default provenance; that is what keeps a Lambda push a
            // single image manifest, so Lambda images always use it.
            exec: args.forLambda ? false : args.exec,
            buildOnPreview: args.buildOnPreview ?? false,
        }, { parent: this, retainOnDelete: args.retainOnDelete });

        this.architecture = arch;
        this.platform = platform;
        this.digest = this.image.digest;
        this.tag = tag;
        this.imageUri = pulumi.interpolate`${repositoryUrl}@${this.image.digest}`;
        this.repositoryArn = pulumi.output(args.repository.repositoryArn);
        this.registerOutputs({
            imageUri: this.imageUri,
            digest: this.digest,
            tag: this.tag,
            architecture: this.architecture,
            platform: this.platform,
        });
    }
}

interface ValidatedImageSettings {
    /** Build context, relative to the working directory. */
    context: string;
    /** Dockerfile, relative to the working directory. */
    dockerfile: string;
    buildArgs: Record<string, string>;
    releaseTag: string;
}

function validate(name: string, args: ServiceImageArgs): ValidatedImageSettings {
    if (!isArchitecture(args.architecture)) {
        throw refuse(TYPE, name, "architecture",
            `got '${String(args.architecture)}'; use ${describeChoices(ARCHITECTURES)}`);
    }
    if (args.forLambda && args.exec) {
        throw refuse(TYPE, name, "exec",
            "exec mode runs docker-buildx, which attaches provenance attestations and pushes an image " +
            "index; Lambda only runs a single image manifest. Remove exec (the embedded client honours " +
            "'builder' too), or build this image outside Lambda");
    }
    const context = path.resolve(args.context);
    if (!fs.existsSync(context) || !fs.statSync(context).isDirectory()) {
        throw refuse(TYPE, name, "context", `directory '${args.context}' does not exist`);
    }
    const dockerfile = path.resolve(args.dockerfile ?? path.join(context, "Dockerfile"));
    if (!fs.existsSync(dockerfile) || !fs.statSync(dockerfile).isFile()) {
        throw refuse(TYPE, name, "dockerfile",
            `file '${args.dockerfile ?? path.join(args.context, "Dockerfile")}' does not exist`);
    }
    if (args.releaseTag !== undefined && (!TAG_PATTERN.test(args.releaseTag) || args.releaseTag === "latest")) {
        throw refuse(TYPE, name, "releaseTag",
            `got '${args.releaseTag}'; use letters, digits, '.', '_' or '-' (not 'latest'): a unique tag per build`);
    }
    for (const [key, value] of Object.entries(args.buildArgs ?? {})) {
        if (typeof value !== "string") {
            throw refuse(TYPE, name, `buildArgs.${key}`, "must be a plain string: build args are part of the " +
                "release tag's identity; pass secrets as docker-build secrets, never as build args");
        }
    }
    const buildArgs: Record<string, string> = {
        ...args.buildArgs,
        TARGETARCH: targetArch(args.architecture),
        POLYARCH_ARCH: args.architecture,
        POLYARCH_GNU_TRIPLE: SPELLINGS[args.architecture].gnuTriple,
    };
    const relativeContext = portablePath(context);
    const relativeDockerfile = portablePath(dockerfile);
    const releaseTag = args.releaseTag ?? buildIdentity({
        contextFiles: hashBuildContext(context),
        dockerfile: fileDigest(dockerfile),
        // Where the Dockerfile sits relative to its context changes what COPY sees from it.
        dockerfileInContext: path.relative(context, dockerfile).split(path.sep).join("/"),
        platform: dockerPlatform(args.architecture),
        target: args.target ?? "",
        buildArgs: Object.fromEntries(Object.entries(buildArgs).sort(([a], [b]) => a.localeCompare(b))),
        builder: args.builder ?? "",
        exec: args.forLambda ? false : args.exec ?? false,
    });
    return { context: relativeContext, dockerfile: relativeDockerfile, buildArgs, releaseTag };
}

/** A path relative to the working directory, with `/` separators (`.` for the directory itself). */
function portablePath(absolute: string): string {
    return path.relative(process.cwd(), absolute).split(path.sep).join("/") || ".";
}

/** 16 hex digits naming one build: equal inputs give an equal tag, anywhere the repository is checked out. */
export function buildIdentity(inputs: Record<string, unknown>): string {
    return crypto.createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
}

function fileDigest(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * When this build identity was first deployed, kept in the stack's state (`time.Static`, replaced
 * when `triggers` change): the part of the release tag that makes it new whenever the build
 * changes, even back to an identity deployed before. docker-build's Update is a Create (image.go:
 * it builds and pushes every tag again), so a rollback that reverts the code would push the old
 * content-hash tag a second time; a prod repository's immutable tags refuse that
 * (ImageTagAlreadyExistsException: ECR user guide, "Image tag mutability") unless the rebuild
 * were byte-identical, which BuildKit's timestamps prevent. The same holds for an image resource
 * created again after it left the stack (its retained digest still holds the tag).
 */
function releaseGeneration(name: string, buildIdentity: string, parent: pulumi.Resource): pulumi.Output<number> {
    return new time.Static(`${name}-release`, { triggers: { build: buildIdentity } }, { parent }).unix;
}
