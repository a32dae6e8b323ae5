import * as aws from "@pulumi/aws";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { refuse } from "./errors";
import { RepositoryTarget, ServiceImage, ServiceImageArgs, buildIdentity } from "./image";
import { ImageReference } from "./image-reference";
import { ARCHITECTURES, Architecture, describeChoices, dockerPlatform, isArchitecture, singleManifestReason, targetArch } from "./platform";
import { INDEX_RELEASE_TAG_PREFIX } from "./registry";

const TYPE = "polyarch:image:MultiArchImage";

export interface MultiArchImageArgs extends Omit<ServiceImageArgs, "architecture" | "forLambda" | "builder" | "releaseTag"> {
    /** The repository every platform image and the index are pushed to. */
    repository: RepositoryTarget;
    /**
     * The architectures to build, at least two; the first is `architecture`, the one a compute that
     * runs a single architecture (an ECS task) runs unless told otherwise.
     */
    architectures: Architecture[];
    /**
     * A buildx builder per architecture, so each platform builds natively on a node of its own CPU
     * (an arm64 BuildKit for linux/arm64, an amd64 one for linux/amd64): nothing runs under QEMU.
     */
    builders?: Partial<Record<Architecture, string>>;
    /** The builder for an architecture `builders` does not name. */
    builder?: string;
    /** Always refused: Lambda runs a single image manifest. Present so a caller gets a clear error. */
    forLambda?: boolean;
}

/**
 * One image per platform, each a `ServiceImage` built on its own builder with its own registry
 * cache, joined by a docker-build `Index` under one tag. `imageUri` pins the index's digest, so
 * every node pulls the manifest of its own CPU from the same reference.
 */
export class MultiArchImage extends pulumi.ComponentResource implements ImageReference {
    public readonly index: dockerbuild.Index;
    /** The per-platform images, in `architectures` order. */
    public readonly images: ServiceImage[];
    /** `<repositoryUrl>@<index digest>`. */
    public readonly imageUri: pulumi.Output<string>;
    public readonly digest: pulumi.Output<string>;
    public readonly tag: pulumi.Output<string>;
    public readonly architecture: Architecture;
    public readonly architectures: readonly Architecture[];
    /** Docker platforms, e.g. `linux/arm64,linux/amd64`. */
    public readonly platform: string;
    public readonly repositoryArn: pulumi.Output<string>;

    constructor(name: string, args: MultiArchImageArgs, opts?: pulumi.ComponentResourceOptions) {
        validate(name, args);
        super(TYPE, name, {}, opts);

        const { architectures, builders, builder, ...common } = args;
        this.images = architectures.map((arch) => new ServiceImage(`${name}-${targetArch(arch)}`, {
            ...common,
            architecture: arch,
            builder: builders?.[arch] ?? builder,
        }, { parent: this }));

        const repositoryUrl = pulumi.output(args.repository.repositoryUrl);
        const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: args.repository.registryId }, { parent: this });
        // The index tag names exactly these platform builds: it changes whenever one of them does.
        const tag = pulumi.all(this.images.map((image) => image.tag))
            .apply((tags) => `${INDEX_RELEASE_TAG_PREFIX}${buildIdentity({ tags })}`);
        this.index = new dockerbuild.Index(`${name}-index`, {
            sources: this.images.map((image) => image.imageUri),
            tag: pulumi.interpolate`${repositoryUrl}:${tag}`,
            push: true,
            registry: { address: auth.proxyEndpoint, username: auth.userName, password: pulumi.secret(auth.password) },
        }, {
            parent: this,
            // Always kept: docker-build replaces an Index whenever its tag changes, i.e. on every
            // deploy that changes a platform image (index.go Diff: `tag` is UpdateReplace), and the
            // replaced one's Delete removes its manifest from the registry (index.go Delete:
            // ManifestDelete). The previous release's index would vanish right after the deploy,
            // under tasks and pods still running it and before any rollback. The repository's
            // lifecycle policy expires old indexes instead (ServiceRepository).
            retainOnDelete: true,
        });

        this.architecture = architectures[0];
        this.architectures = [...architectures];
        this.platform = architectures.map(dockerPlatform).join(",");
        this.digest = this.index.ref.apply((ref) => indexDigest(name, ref));
        this.tag = tag;
        this.imageUri = pulumi.interpolate`${repositoryUrl}@${this.digest}`;
        this.repositoryArn = pulumi.output(args.repository.repositoryArn);
        this.registerOutputs({
            imageUri: this.imageUri,
            digest: this.digest,
            tag: this.tag,
            architecture: this.architecture,
            architectures: this.architectures,
            platform: this.platform,
        });
    }
}

function validate(name: string, args: MultiArchImageArgs): void {
    if (args.forLambda) {
        throw refuse(TYPE, name, "forLambda", `${singleManifestReason("lambda") ?? ""}: build a ServiceImage instead`);
    }
    const list = Array.isArray(args.architectures) ? args.architectures : [];
    const bad = list.find((arch) => !isArchitecture(arch));
    if (bad !== undefined) {
        throw refuse(TYPE, name, "architectures", `got '${String(bad)}'; use ${describeChoices(ARCHITECTURES)}`);
    }
    if (new Set(list).size !== list.length || list.length < 2) {
        throw refuse(TYPE, name, "architectures", `got ${JSON.stringify(args.architectures)}; list at least two different ` +
            `architectures (${describeChoices(ARCHITECTURES)}), or build one with ServiceImage`);
    }
    for (const key of Object.keys(args.builders ?? {})) {
        if (!isArchitecture(key)) {
            throw refuse(TYPE, name, `builders.${key}`, `is not an architecture; key builders by ${describeChoices(ARCHITECTURES)}`);
        }
    }
}

/** The digest an Index's `ref` pins: `<repository>:<tag>@sha256:<64 hex>`. */
const PINNED_REF = /@(sha256:[0-9a-f]{64})$/;

/**
 * What runs is the index's digest alone. During a preview docker-build's Index pushes nothing and
 * returns `ref` as the bare tag (index.go: the digest exists only once `imagetools create` has
 * pushed), so the digest is unknown until `up`; turning the tag into `<repository>@<tag>` would
 * hand every consumer a reference that names nothing. After `up`, a ref without a digest is a
 * provider fault that must stop the deploy rather than reach a consumer.
 */
function indexDigest(name: string, ref: string): pulumi.Output<string> {
    const digest = PINNED_REF.exec(ref)?.[1];
    if (digest !== undefined) {
        return pulumi.output(digest);
    }
    if (pulumi.runtime.isDryRun()) {
        return pulumi.output(pulumi.unknown as string);
    }
    throw new Error(`${TYPE} "${name}": the index was pushed but its ref '${ref}' names no digest; ` +
        "the consumers would not know what to run. Re-run `pulumi up`; if it persists, report it with the docker-build version");
}
