/**
 * What the image components hand their consumers during the preview of a deployed stack, where
 * every input of an image is known (its repository exists), under the gate's model of docker-build's
 * preview (cli/src/engine/provider-previews.ts): an Index returns its bare tag as `ref`, an Image
 * with `buildOnPreview` returns a digest it did not push. The release tags' `time.Static` is unchanged
 * from the deployed stack, so the tags are known.
 */
import { strict as assert } from "assert";
import { EcsExpressService } from "../../components/ecs-express";
import { ServiceImage } from "../../components/image";
import { MultiArchImage } from "../../components/multi-arch-image";
import { UNKNOWN_SENTINEL } from "../../cli/src/recording-monitor";
import { inputsOf, registrationOf, reset, useStack } from "../support/mock-runtime";

const REPOSITORY = {
    repositoryUrl: "123456789012.dkr.ecr.us-west-2.amazonaws.com/storefront",
    repositoryArn: "arn:aws:ecr:us-west-2:123456789012:repository/storefront",
    registryId: "123456789012",
};

describe("images during the preview of a deployed stack", () => {
    afterEach(() => useStack("dev"));

    describe("preview", () => {
        beforeEach(async () => {
            // Deployed before: the releases' first-deploy times are in the state (a `same` step).
            useStack("prod", true, (type) => type === "time:index/static:Static");
            await reset();
        });

        it("gives an index's consumer an unknown image, never `<repository>@<tag>` from the Index's digestless ref", async () => {
            const image = new MultiArchImage("storefront", { repository: REPOSITORY, context: "services/storefront", architectures: ["arm64", "x86_64"] });
            new EcsExpressService("storefront", { image });
            const index = await registrationOf("docker-build:index:Index", "storefront-index");
            assert.match(String(index.wireOutputs.ref), /^123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\/storefront:release-index-[0-9a-f]{16}$/,
                "the modelled preview ref: the bare tag, no digest");
            const service = await inputsOf("aws:ecs/expressGatewayService:ExpressGatewayService", "storefront-service");
            assert.equal(service.primaryContainer.image, UNKNOWN_SENTINEL);
        });

        it("builds no image during a preview unless asked (buildOnPreview false), so the digest is unknown", async () => {
            new ServiceImage("quiet", { repository: REPOSITORY, context: "services/storefront", architecture: "arm64" });
            const image = await registrationOf("docker-build:index:Image", "quiet-image");
            assert.equal(image.inputs.buildOnPreview, false);
            assert.equal(image.wireOutputs.digest, UNKNOWN_SENTINEL);
        });

        it("with buildOnPreview opted in, returns a digest built but not pushed (docker-build's preview)", async () => {
            new ServiceImage("eager", { repository: REPOSITORY, context: "services/storefront", architecture: "arm64", buildOnPreview: true });
            const image = await registrationOf("docker-build:index:Image", "eager-image");
            assert.match(String(image.wireOutputs.digest), /^sha256:[0-9a-f]{64}$/);
        });
    });

    describe("update", () => {
        beforeEach(async () => {
            useStack("prod", false);
            await reset();
        });

        it("keeps every index in the registry when docker-build replaces it (each changed deploy), in dev too", async () => {
            useStack("dev", false);
            await reset();
            new MultiArchImage("kept", { repository: REPOSITORY, context: "services/storefront", architectures: ["arm64", "x86_64"] });
            const index = await registrationOf("docker-build:index:Index", "kept-index");
            assert.equal(index.retainOnDelete, true, "a replaced Index's Delete would remove the manifest tasks still run");
        });

        it("pins the index's digest once it is pushed", async () => {
            const image = new MultiArchImage("storefront", { repository: REPOSITORY, context: "services/storefront", architectures: ["arm64", "x86_64"] });
            new EcsExpressService("storefront", { image });
            const service = await inputsOf("aws:ecs/expressGatewayService:ExpressGatewayService", "storefront-service");
            assert.match(String(service.primaryContainer.image), /^123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\/storefront@sha256:[0-9a-f]{64}$/);
        });
    });
});
