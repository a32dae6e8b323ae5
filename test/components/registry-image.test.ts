import { strict as assert } from "assert";
import * as path from "path";
import { ServiceImage } from "../../components/image";
import { ServiceRepository } from "../../components/registry";
import { HELLO_CONTEXT } from "../support/fixtures";
import { SECRET_SIG, inputsOf, registrationOf, registrations, reset, resolve, settle } from "../support/mock-runtime";

describe("ServiceRepository", () => {
    beforeEach(reset);

    it("creates a scanned, KMS-encrypted repository with immutable release tags and mutable cache tags", async () => {
        new ServiceRepository("api", {});
        const repo = await inputsOf("aws:ecr/repository:Repository", "api-repo");
        assert.equal(repo.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
        assert.deepEqual(repo.imageTagMutabilityExclusionFilters, [{ filter: "cache-*", filterType: "WILDCARD" }]);
        assert.deepEqual(repo.imageScanningConfiguration, { scanOnPush: true });
        assert.equal(repo.encryptionConfigurations[0].encryptionType, "KMS");
        assert.equal(repo.forceDelete, false);
    });

    it("uses a customer KMS key and force-delete only when asked", async () => {
        new ServiceRepository("dev", { kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/k", forceDelete: true, immutableTags: false });
        const repo = await inputsOf("aws:ecr/repository:Repository", "dev-repo");
        assert.equal(repo.encryptionConfigurations[0].kmsKey, "arn:aws:kms:us-west-2:123456789012:key/k");
        assert.equal(repo.forceDelete, true);
        assert.equal(repo.imageTagMutability, "MUTABLE");
    });

    it("expires only untagged manifests by age and release images beyond the kept count; never cache tags", async () => {
        new ServiceRepository("life", { keepReleases: 5, untaggedExpiryDays: 3 });
        const policy = JSON.parse((await inputsOf("aws:ecr/lifecyclePolicy:LifecyclePolicy", "life-lifecycle")).policy);
        assert.deepEqual(policy.rules.map((r: any) => r.selection.tagStatus), ["untagged", "tagged", "tagged", "tagged"]);
        assert.equal(policy.rules[0].selection.countNumber, 3);
        // One count per kind of release manifest, so whole deploys are kept (test/components/ecr-lifecycle.test.ts).
        assert.deepEqual(policy.rules.slice(1).map((r: any) => r.selection.tagPrefixList), [["release-index-"], ["release-arm64-"], ["release-amd64-"]]);
        assert.deepEqual(policy.rules.slice(1).map((r: any) => r.selection.countNumber), [5, 5, 5]);
        assert.ok(!JSON.stringify(policy).includes("cache-"), "the cache must never be selected for expiry");
        assert.ok(!policy.rules.some((r: any) => r.selection.tagStatus === "any"), "an 'any' rule would expire deployed digests");
    });

    it("refuses to keep fewer than 3 releases, naming the input, and registers nothing", async () => {
        assert.throws(() => new ServiceRepository("few", { keepReleases: 1 }),
            (err: any) => err.propertyPath === "keepReleases" && /ServiceRepository "few": keepReleases: got 1; keep at least 3/.test(err.message));
        await settle();
        assert.equal(registrations.length, 0);
    });

    it("grants Lambda pull access scoped to its own account when asked", async () => {
        new ServiceRepository("fn", { allowLambdaPull: true });
        const policy = JSON.parse((await inputsOf("aws:ecr/repositoryPolicy:RepositoryPolicy", "fn-lambda-pull")).policy);
        assert.equal(policy.Statement[0].Principal.Service, "lambda.amazonaws.com");
        assert.deepEqual(policy.Statement[0].Action, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
        assert.equal(policy.Statement[0].Condition.StringLike["aws:sourceArn"], "arn:aws:lambda:*:123456789012:function:*");
    });
});

describe("ServiceImage", () => {
    beforeEach(reset);

    function build(name: string, extra: Partial<ConstructorParameters<typeof ServiceImage>[1]> = {}) {
        const repo = new ServiceRepository(`${name}-registry`, {});
        return new ServiceImage(name, { repository: repo, context: HELLO_CONTEXT, architecture: "arm64", ...extra });
    }

    it("builds exactly one platform from the catalog and pushes it", async () => {
        build("one");
        const image = await inputsOf("docker-build:index:Image", "one-image");
        assert.deepEqual(image.platforms, ["linux/arm64"]);
        assert.equal(image.push, true);
        assert.equal(image.buildArgs.TARGETARCH, "arm64");
        assert.equal(image.buildArgs.POLYARCH_ARCH, "arm64");
        // Relative to the working directory, so the inputs do not depend on where the repo is checked out.
        assert.equal(image.context.location, path.relative(process.cwd(), HELLO_CONTEXT));
        assert.ok(!path.isAbsolute(image.dockerfile.location));
        assert.match(image.dockerfile.location, /^test\/fixtures\/hello\/Dockerfile$/);
    });

    it("caches per platform in ECR with an image manifest and OCI media types", async () => {
        build("cached", { architecture: "x86_64" });
        const image = await inputsOf("docker-build:index:Image", "cached-image");
        const repoUrl = "123456789012.dkr.ecr.us-west-2.amazonaws.com/cached-registry-repo-";
        assert.ok(image.cacheFrom[0].registry.ref.startsWith(repoUrl));
        assert.ok(image.cacheFrom[0].registry.ref.endsWith(":cache-amd64"));
        assert.equal(image.cacheTo[0].registry.ref, image.cacheFrom[0].registry.ref);
        assert.equal(image.cacheTo[0].registry.imageManifest, true);
        assert.equal(image.cacheTo[0].registry.ociMediaTypes, true);
        assert.equal(image.cacheTo[0].registry.mode, "max");
    });

    it("authenticates to ECR with a token from getAuthorizationToken, as a secret", async () => {
        build("auth");
        const image = await inputsOf("docker-build:index:Image", "auth-image");
        assert.equal(image.registries[0].address, "https://123456789012.dkr.ecr.us-west-2.amazonaws.com");
        assert.equal(image.registries[0].username, "AWS");
        const wire: any = registrations.find((r) => r.name === "auth-image")!.wireInputs;
        assert.equal(wire.registries[0].password["4dabf18193072939515e22adb298388d"], SECRET_SIG,
            "the registry password must travel as a secret");
    });

    it("exposes imageUri as <repositoryUrl>@<digest>, never tag@digest", async () => {
        const image = build("uri");
        const uri = await resolve(image.imageUri);
        assert.match(uri, /^123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\/uri-registry-repo-[0-9a-f]+@sha256:[0-9a-f]{64}$/);
        assert.ok(!uri.includes(":release-"), "a tag before the digest is rejected by Lambda");
        assert.equal(image.platform, "linux/arm64");
        assert.equal(image.architecture, "arm64");
    });

    it("pushes a unique release tag derived from the context, stable for unchanged code", async () => {
        const first = await resolve(build("tag1").tag);
        const second = await resolve(build("tag2").tag);
        assert.match(first, /^release-arm64-[0-9a-f]{16}-\d{10}$/);
        assert.equal(first, second);
        const explicit = await resolve(build("tag3", { releaseTag: "git-abc123" }).tag);
        assert.equal(explicit, "release-arm64-git-abc123");
    });

    it("makes a rollback's tag new: the tag carries when its build identity was first deployed (time.Static, replaced when the identity changes)", async () => {
        const tag = await resolve(build("gen").tag);
        const generation = await registrationOf("time:index/static:Static", "gen-release");
        const [, identity, unix] = /^release-arm64-([0-9a-f]{16})-(\d+)$/.exec(tag) ?? [];
        // A revert to an earlier build changes the triggers, so the Static (and the tag) is new:
        // the immutable repository, which still holds the earlier tag, never sees it pushed twice.
        assert.deepEqual(generation.inputs.triggers, { build: identity });
        assert.equal(Number(unix), generation.wireOutputs.unix);
        assert.equal(generation.parent, (await registrationOf("polyarch:image:ServiceImage", "gen")).urn);
        build("pinned", { releaseTag: "git-abc123" });
        await settle();
        assert.equal(registrations.filter((r) => r.name === "pinned-release").length, 0, "a tag the caller chose is used as it is");
    });

    it("forces the embedded client for Lambda images so no provenance index is pushed", async () => {
        build("fn", { forLambda: true });
        const image = await inputsOf("docker-build:index:Image", "fn-image");
        assert.equal(image.exec, false);
    });

    it("uses a named builder so arm64 need not be emulated", async () => {
        build("native", { builder: "arm64-remote" });
        const image = await inputsOf("docker-build:index:Image", "native-image");
        assert.deepEqual(image.builder, { name: "arm64-remote" });
    });

    it("refuses exec mode for a Lambda image, naming the input", async () => {
        const repo = new ServiceRepository("r", {});
        await settle();
        const before = registrations.length;
        assert.throws(() => new ServiceImage("bad", { repository: repo, context: HELLO_CONTEXT, architecture: "arm64", forLambda: true, exec: true }),
            (err: any) => err.propertyPath === "exec" && /single image manifest/.test(err.message));
        await settle();
        assert.equal(registrations.length, before);
    });

    it("refuses an architecture outside the catalog, a missing context and a missing Dockerfile", () => {
        const repo = { repositoryUrl: "x", repositoryArn: "y", registryId: "z" };
        assert.throws(() => new ServiceImage("a", { repository: repo, context: HELLO_CONTEXT, architecture: "riscv64" as any }),
            (err: any) => err.propertyPath === "architecture" && /got 'riscv64'; use 'arm64' or 'x86_64'/.test(err.message));
        assert.throws(() => new ServiceImage("b", { repository: repo, context: "/nonexistent/dir", architecture: "arm64" }),
            (err: any) => err.propertyPath === "context" && /does not exist/.test(err.message));
        assert.throws(() => new ServiceImage("c", { repository: repo, context: HELLO_CONTEXT, dockerfile: "nope.Dockerfile", architecture: "arm64" }),
            (err: any) => err.propertyPath === "dockerfile");
        assert.throws(() => new ServiceImage("d", { repository: repo, context: HELLO_CONTEXT, architecture: "arm64", releaseTag: "latest" }),
            (err: any) => err.propertyPath === "releaseTag");
    });
});
