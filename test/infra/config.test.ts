import { strict as assert } from "assert";
import { ConfigError, parseStackConfig } from "../../infra/config";
import { PROJECT_ROOT, runInfra } from "../support/run-infra";
import { devConfigWith, devServices } from "../support/stack-config";

function parse(config: Record<string, string>, stack = "dev") {
    return parseStackConfig(config, { stack, projectRoot: PROJECT_ROOT });
}

/** Asserts the config is refused with exactly this message. */
function refused(config: Record<string, string>, message: string, stack = "dev"): void {
    assert.throws(() => parse(config, stack), (err: unknown) => {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        assert.equal(err.message, message);
        return true;
    });
}

const withService = (index: number, changes: Record<string, unknown>) =>
    devConfigWith({ "polyarch:services": devServices((e, i) => (i === index ? { ...e, ...changes } : e)) });

describe("stack config (polyarch:*)", () => {
    it("parses the dev stack into typed settings with dev defaults", () => {
        const settings = parse(devConfigWith({}));
        assert.equal(settings.profile, "dev");
        assert.deepEqual(settings.services.map((s) => [s.name, s.target, s.architecture]), [
            ["thumbnails", "lambda", "arm64"], ["catalog-api", "eks", "arm64"], ["storefront", "ecs", "arm64"], ["storefront-legacy", "apprunner", "x86_64"],
        ]);
        assert.equal(settings.network.availabilityZones, 2);
        assert.equal(settings.registry.immutableTags, false);
        assert.deepEqual(settings.eks.scaling, { min: 1, desired: 2, max: 3 });
    });

    it("refuses an unknown target, listing the allowed ones", () => {
        refused(withService(1, { target: "lambada" }),
            "polyarch:services[1].target: got 'lambada'; allowed: 'lambda', 'eks', 'apprunner', 'ecs' or 'ecs-express'");
    });

    it("refuses an architecture outside the catalog", () => {
        refused(withService(0, { architecture: "aarch64" }),
            "polyarch:services[0].architecture: got 'aarch64'; allowed: 'arm64' or 'x86_64'");
    });

    it("refuses arm64 on App Runner, pointing to ECS", () => {
        refused(withService(3, { architecture: "arm64" }),
            "polyarch:services[3].architecture: got 'arm64' for target 'apprunner'; App Runner runs only x86_64 (linux/amd64) images; use target 'ecs' (Fargate) for arm64");
    });

    it("refuses duplicate service names", () => {
        refused(withService(2, { name: "thumbnails" }),
            "polyarch:services[2].name: 'thumbnails' is already used by polyarch:services[0]; service names must be unique");
    });

    it("refuses names that are not ECR/DNS safe", () => {
        for (const name of ["Thumbnails", "thumb_nails", "-x", "a"]) {
            refused(withService(0, { name }),
                "polyarch:services[0].name: got '" + name + "'; must be 2-32 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-' (ECR and DNS safe)");
        }
    });

    it("refuses a context that does not exist or escapes the project", () => {
        refused(withService(0, { context: "services/nope" }),
            "polyarch:services[0].context: directory 'services/nope' does not exist under the project root");
        refused(withService(0, { context: "../outside" }),
            "polyarch:services[0].context: '../outside' is outside the project; use a path relative to the project root such as services/thumbnails");
        refused(withService(0, { context: "/etc" }),
            "polyarch:services[0].context: '/etc' is outside the project; use a path relative to the project root such as services/thumbnails");
    });

    it("refuses a missing Dockerfile", () => {
        refused(withService(0, { dockerfile: "services/thumbnails/Dockerfile.missing" }),
            "polyarch:services[0].dockerfile: no Dockerfile at 'services/thumbnails/Dockerfile.missing'; add one or set polyarch:services[0].dockerfile");
        refused(withService(0, { context: "test" }),
            "polyarch:services[0].context: no Dockerfile at 'test/Dockerfile'; add one or set polyarch:services[0].dockerfile");
    });

    it("refuses a misspelled key and suggests the right one", () => {
        refused(withService(0, { memroy: 512 }),
            "polyarch:services[0]: unknown key 'memroy'; did you mean 'memory'?; remove it or fix its spelling");
        refused(devConfigWith({ "polyarch:servics": [] }),
            "polyarch:servics: is not a polyarch setting; did you mean 'polyarch:services'?; known keys: polyarch:profile, polyarch:services, polyarch:network, polyarch:eks, polyarch:registry, polyarch:logRetentionDays, polyarch:builder, polyarch:builders, polyarch:tags");
    });

    it("names a misspelled required key instead of reporting the required one as undefined", () => {
        const renamed = (from: string, to: string) => devConfigWith({ "polyarch:services": devServices((e, i) => {
            if (i !== 1) {
                return e;
            }
            const { [from]: value, ...rest } = e;
            return { ...rest, [to]: value };
        }) });
        refused(renamed("target", "targt"), "polyarch:services[1]: unknown key 'targt'; did you mean 'target'?; remove it or fix its spelling");
        refused(renamed("name", "nmae"), "polyarch:services[1]: unknown key 'nmae'; did you mean 'name'?; remove it or fix its spelling");
        // Truly missing (no look-alike key): still "is required".
        refused(devConfigWith({ "polyarch:services": devServices((e, i) => (i === 1 ? { ...e, context: undefined } : e)) }),
            "polyarch:services[1].context: is required (string)");
    });

    it("refuses wrong types, naming the bad value", () => {
        refused(withService(0, { memory: "512" }), "polyarch:services[0].memory: expected number, got string '512'");
    });

    it("refuses Lambda memory and timeout outside AWS bounds", () => {
        refused(withService(0, { memory: 64 }), "polyarch:services[0].memory: got 64; must be >= 128");
        refused(withService(0, { memory: 20480 }), "polyarch:services[0].memory: got 20480; must be <= 10240");
        refused(withService(0, { timeout: 1200 }), "polyarch:services[0].timeout: got 1200; must be <= 900");
    });

    it("refuses EKS instance types of the other architecture", () => {
        refused(devConfigWith({ "polyarch:eks": { instanceTypes: ["m7g.large", "m5.large"] } }),
            "polyarch:eks.instanceTypes[1]: 'm5.large' is x86_64 but this node group is arm64; use arm64 types such as 'm7g.large'");
    });

    it("refuses an empty or missing services list", () => {
        refused(devConfigWith({ "polyarch:services": [] }), "polyarch:services: must list at least one service");
        refused(devConfigWith({}, ["polyarch:services"]),
            "polyarch:services: is not set; list the stack's services, e.g. [{ name: api, target: lambda, context: services/hello-lambda }]");
    });

    it("refuses a missing region and a stack with no profile", () => {
        refused(devConfigWith({}, ["aws:region"]), "aws:region: is not set; run `pulumi config set aws:region us-west-2` (or your region)");
        refused(devConfigWith({}, ["polyarch:profile"]),
            "polyarch:profile: is not set and stack 'staging' is neither dev nor prod; set it to 'dev' or 'prod' to choose the defaults", "staging");
    });

    it("refuses Fargate sizes that do not exist", () => {
        refused(withService(2, { cpu: 256, memory: 4096 }), "polyarch:services[2].memory: got 4096; with cpu 256 Fargate allows 512, 1024 or 2048 MB");
    });

    it("stops the real program before it registers anything", async () => {
        await assert.rejects(runInfra("dev", { config: withService(3, { architecture: "arm64" }) }),
            (err: Error) => err.name === "ConfigError" && /services\[3\]\.architecture/.test(err.message));
        // runInfra returns registrations only on success; check the engine directly.
        const { registrations } = await import("../support/mock-runtime");
        assert.equal(registrations.length, 0);
    });
});

describe("stack config: several architectures per service, and the new targets", () => {
    it("orders a service's architectures with the one it runs first: the target's default, or the one chosen", () => {
        const settings = parse(devConfigWith({
            "polyarch:services": devServices((e, i) => (i === 1 ? { ...e, architectures: ["x86_64", "arm64"] } : i === 2 ? { ...e, architectures: ["arm64", "x86_64"], architecture: "x86_64" } : e)),
            "polyarch:builders": { arm64: "graviton-buildkit", x86_64: "amd64-buildkit" },
        }));
        assert.deepEqual([settings.services[1].architecture, settings.services[1].architectures], ["arm64", ["arm64", "x86_64"]]);
        assert.deepEqual([settings.services[2].architecture, settings.services[2].architectures], ["x86_64", ["x86_64", "arm64"]]);
        assert.deepEqual(settings.builders, { arm64: "graviton-buildkit", x86_64: "amd64-buildkit" });
    });

    it("refuses several architectures on Lambda and App Runner, saying why", () => {
        refused(withService(0, { architectures: ["arm64", "x86_64"] }),
            "polyarch:services[0].architectures: got [\"arm64\",\"x86_64\"] for target 'lambda'; Lambda runs a single image manifest " +
            "(CreateFunction refuses an image index); list one architecture");
        refused(withService(3, { architectures: ["x86_64", "arm64"] }),
            "polyarch:services[3].architectures: got [\"x86_64\",\"arm64\"] for target 'apprunner'; App Runner runs only x86_64, so an " +
            "index would carry platforms it never runs; list one architecture");
    });

    it("refuses a duplicate architecture, and an ECS architecture the image would not contain", () => {
        refused(withService(2, { architectures: ["arm64", "arm64"] }), "polyarch:services[2].architectures: lists 'arm64' twice; list each architecture once");
        refused(withService(2, { architectures: ["arm64"], architecture: "x86_64" }),
            "polyarch:services[2].architecture: got 'x86_64' but 'architectures' is [\"arm64\"]; choose 'arm64', or add it to 'architectures'");
    });

    it("reads builders keyed by any spelling of an architecture, and refuses a key that is none", () => {
        assert.deepEqual(parse(devConfigWith({ "polyarch:builders": { amd64: "x86-kit", aarch64: "arm-kit" } })).builders, { x86_64: "x86-kit", arm64: "arm-kit" });
        refused(devConfigWith({ "polyarch:builders": { riscv64: "b" } }), "polyarch:builders.riscv64: is not an architecture; key it by 'arm64' or 'x86_64'");
    });

    it("lets ECS Express Mode decide the architecture from the image, refusing a choice it would not honour", () => {
        const express = { name: "web-express", target: "ecs-express", context: "services/storefront" };
        const one = parse(devConfigWith({ "polyarch:services": [express] })).services[0];
        assert.deepEqual([one.architecture, one.architectures], ["arm64", ["arm64"]]);
        const both = parse(devConfigWith({ "polyarch:services": [{ ...express, architectures: ["arm64", "x86_64"] }] })).services[0];
        assert.equal(both.architecture, "x86_64", "an index with linux/amd64 runs on X86_64, Express's declared default");
        refused(devConfigWith({ "polyarch:services": [{ ...express, architectures: ["arm64", "x86_64"], architecture: "arm64" }] }),
            "polyarch:services[0].architecture: got 'arm64' but target 'ecs-express' runs x86_64 from an image of linux/arm64, " +
            "linux/amd64; remove 'architecture', or list only arm64 in 'architectures'");
        refused(devConfigWith({ "polyarch:services": [{ ...express, cpu: 256, memory: 4096 }] }),
            "polyarch:services[0].memory: got 4096; with cpu 256 ECS Express Mode allows 512, 1024 or 2048 MB");
    });

    it("refuses Lambda capacity provider instance types of the other architecture", () => {
        refused(withService(0, { memory: 2048, capacityProvider: { instanceTypes: ["m7i.large"] } }),
            "polyarch:services[0].capacityProvider.instanceTypes[0]: 'm7i.large' is x86_64 but the service is arm64; use arm64 types such as 'm7g.large'");
    });
});
