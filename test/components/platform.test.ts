import { strict as assert } from "assert";
import * as catalog from "../../components/platform";

describe("platform catalog", () => {
    it("spells arm64 the way each system expects", () => {
        assert.equal(catalog.dockerPlatform("arm64"), "linux/arm64");
        assert.equal(catalog.lambdaArchitecture("arm64"), "arm64");
        assert.equal(catalog.ecsCpuArchitecture("arm64"), "ARM64");
        assert.equal(catalog.kubernetesArch("arm64"), "arm64");
        assert.equal(catalog.targetArch("arm64"), "arm64");
    });

    it("spells x86_64 the way each system expects", () => {
        assert.equal(catalog.dockerPlatform("x86_64"), "linux/amd64");
        assert.equal(catalog.lambdaArchitecture("x86_64"), "x86_64");
        assert.equal(catalog.ecsCpuArchitecture("x86_64"), "X86_64");
        assert.equal(catalog.kubernetesArch("x86_64"), "amd64");
        assert.equal(catalog.targetArch("x86_64"), "amd64");
    });

    it("reads every spelling back to the same architecture (round trip)", () => {
        for (const arch of catalog.ARCHITECTURES) {
            const s = catalog.SPELLINGS[arch];
            for (const spelling of [s.dockerPlatform, s.lambda, s.ecs, s.kubernetes, s.targetArch, arch]) {
                assert.equal(catalog.parseArchitecture(spelling), arch, spelling);
            }
        }
        assert.equal(catalog.parseArchitecture("aarch64"), "arm64");
        assert.equal(catalog.parseArchitecture("linux/arm64/v8"), "arm64");
        assert.equal(catalog.parseArchitecture(" AMD64 "), "x86_64");
    });

    it("does not guess unknown spellings", () => {
        for (const bad of ["linux/arm/v7", "riscv64", "", "arm", "linux/386", undefined, null]) {
            assert.equal(catalog.parseArchitecture(bad), undefined, String(bad));
        }
    });

    it("maps EKS AMI types to their architecture", () => {
        assert.equal(catalog.amiTypeArchitecture("AL2023_ARM_64_STANDARD"), "arm64");
        assert.equal(catalog.amiTypeArchitecture("BOTTLEROCKET_ARM_64"), "arm64");
        assert.equal(catalog.amiTypeArchitecture("AL2_ARM_64"), "arm64");
        assert.equal(catalog.amiTypeArchitecture("AL2023_x86_64_STANDARD"), "x86_64");
        assert.equal(catalog.amiTypeArchitecture("BOTTLEROCKET_x86_64"), "x86_64");
        assert.equal(catalog.amiTypeArchitecture("AL2_x86_64"), "x86_64");
        // EKS spells x86_64 lower-case; the upper-case form is not an AMI type.
        assert.equal(catalog.amiTypeArchitecture("AL2023_X86_64_STANDARD"), undefined);
        assert.equal(catalog.amiTypeArchitecture("CUSTOM"), undefined);
    });

    it("picks AMI types of the node group's architecture, both ways", () => {
        for (const arch of catalog.ARCHITECTURES) {
            assert.equal(catalog.amiTypeArchitecture(catalog.nodeGroupAmiType(arch)), arch);
            assert.equal(catalog.amiTypeArchitecture(catalog.nodeGroupAmiType(arch, "bottlerocket")), arch);
        }
        assert.equal(catalog.nodeGroupAmiType("arm64"), "AL2023_ARM_64_STANDARD");
    });

    it("classifies every Graviton family the issue lists as arm64", () => {
        const graviton = ["t4g", "m6g", "m6gd", "m7g", "m7gd", "m8g", "c6g", "c6gd", "c6gn", "c7g", "c7gd", "c7gn",
            "c8g", "r6g", "r6gd", "r7g", "r7gd", "r8g", "x2gd", "im4gn", "is4gen", "i4g", "g5g"];
        for (const family of graviton) {
            assert.equal(catalog.instanceTypeArchitecture(`${family}.large`), "arm64", family);
            assert.ok(catalog.GRAVITON_FAMILIES.has(family), `${family} missing from the catalog`);
        }
    });

    it("classifies x86 families as x86_64, including look-alikes", () => {
        for (const type of ["m5.large", "m7i.xlarge", "c7a.2xlarge", "g4dn.xlarge", "t3.micro", "m7i-flex.large", "r5b.large", "i4i.large"]) {
            assert.equal(catalog.instanceTypeArchitecture(type), "x86_64", type);
        }
    });

    it("follows AWS naming for Graviton families newer than the list, and rejects malformed names", () => {
        assert.equal(catalog.instanceTypeArchitecture("m9g.large"), "arm64");
        assert.equal(catalog.instanceTypeArchitecture("c9gd.metal"), "arm64");
        assert.equal(catalog.instanceTypeArchitecture("large"), undefined);
        assert.equal(catalog.instanceTypeArchitecture("mac2.metal"), undefined);
    });

    it("defaults each target to the catalog architecture and knows App Runner is x86_64 only", () => {
        assert.equal(catalog.defaultArchitecture("lambda"), "arm64");
        assert.equal(catalog.defaultArchitecture("eks"), "arm64");
        assert.equal(catalog.defaultArchitecture("apprunner"), "x86_64");
        assert.equal(catalog.defaultArchitecture("ecs"), "arm64");
        assert.equal(catalog.targetSupports("apprunner", "arm64"), false);
        assert.equal(catalog.targetSupports("ecs", "x86_64"), true);
        assert.match(catalog.targetRestriction("apprunner", "arm64") ?? "", /App Runner runs only x86_64.*ecs/);
        assert.equal(catalog.targetRestriction("lambda", "arm64"), undefined);
    });

    it("names the other architecture, both ways", () => {
        assert.equal(catalog.otherArchitecture("arm64"), "x86_64");
        assert.equal(catalog.otherArchitecture("x86_64"), "arm64");
    });

    it("tunes runtime settings per architecture", () => {
        assert.deepEqual(catalog.runtimeEnvironment("arm64", 2), { POLYARCH_ARCH: "arm64", WEB_CONCURRENCY: "4", MALLOC_ARENA_MAX: "2" });
        assert.deepEqual(catalog.runtimeEnvironment("x86_64", 2), { POLYARCH_ARCH: "x86_64", WEB_CONCURRENCY: "2" });
        assert.equal(catalog.runtimeEnvironment("x86_64", 0.25).WEB_CONCURRENCY, "1");
    });

    it("keeps Lambda's and ECS's own defaults distinct from polyarch's", () => {
        assert.equal(catalog.LAMBDA_DEFAULT_ARCHITECTURE, "x86_64");
        assert.equal(catalog.ECS_DEFAULT_ARCHITECTURE, "x86_64");
    });
});
