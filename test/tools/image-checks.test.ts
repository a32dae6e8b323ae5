import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ELF_MACHINE, elfMachine, foreignElfFiles } from "../../cli/src/images/elf";
import { healthcheckProblem, manifestProblem, platformProblem, sizeProblem, userProblem } from "../../cli/src/images/image-checks";
import { plannedBuilds } from "../../cli/src/images/planned-builds";
import { baseImages, recipeFor, registriesConf } from "../../cli/src/images/stand-in-bases";
import { useStack } from "../support/mock-runtime";
import { PROJECT_ROOT } from "../support/run-infra";

/** A minimal ELF header: magic, 64-bit, little-endian, and e_machine at offset 18. */
function fakeElf(file: string, machine: number): void {
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0x7f454c46, 0);
    header[4] = 2;
    header[5] = 1;
    header.writeUInt16LE(machine, 18);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, header);
}

describe("image verification checks (cli/src/images), each shown to fail", () => {
    it("reads an ELF file's machine and reports files of the other architecture", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-elf-"));
        try {
            fakeElf(path.join(root, "app/node_modules/@img/sharp-linux-arm64/sharp.node"), ELF_MACHINE.arm64);
            fakeElf(path.join(root, "app/node_modules/@img/sharp-linux-x64/sharp.node"), ELF_MACHINE.x86_64);
            fs.writeFileSync(path.join(root, "app/server.js"), "// not ELF");
            assert.equal(elfMachine(path.join(root, "app/server.js")), undefined);
            assert.deepEqual(foreignElfFiles(root, ["/app"], "arm64"),
                { elfCount: 2, foreign: ["app/node_modules/@img/sharp-linux-x64/sharp.node (x86-64)"] });
            assert.deepEqual(foreignElfFiles(root, ["/app"], "x86_64").foreign, ["app/node_modules/@img/sharp-linux-arm64/sharp.node (aarch64)"]);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("accepts one image manifest and refuses an index", () => {
        assert.equal(manifestProblem({ mediaType: "application/vnd.docker.distribution.manifest.v2+json", layers: [] }), undefined);
        assert.equal(manifestProblem({ mediaType: "application/vnd.oci.image.manifest.v1+json", layers: [] }), undefined);
        assert.match(manifestProblem({ mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{}, {}] }) ?? "",
            /expected one image manifest, got application\/vnd.oci.image.index.v1\+json with 2 entries/);
    });

    it("compares the config's os/architecture with the catalog", () => {
        assert.equal(platformProblem({ os: "linux", architecture: "arm64" }, "arm64"), undefined);
        assert.equal(platformProblem({ os: "linux", architecture: "arm64", variant: "v8" }, "arm64"), undefined);
        assert.equal(platformProblem({ os: "linux", architecture: "amd64" }, "arm64"), "config says linux/amd64, the catalog says linux/arm64");
    });

    it("wants a numeric non-root USER", () => {
        assert.equal(userProblem({ config: { User: "1000:1000" } }), undefined);
        assert.equal(userProblem({ config: { User: "1000" } }), undefined);
        assert.match(userProblem({ config: { User: "node" } }) ?? "", /not numeric/);
        assert.match(userProblem({ config: { User: "0:0" } }) ?? "", /root/);
        assert.match(userProblem({ config: {} }) ?? "", /runs as root/);
    });

    it("wants the Dockerfile's HEALTHCHECK in the image, and the size within budget", () => {
        assert.equal(healthcheckProblem({ config: { Healthcheck: { Test: ["CMD", "node", "healthcheck.js"] } } }, true), undefined);
        assert.match(healthcheckProblem({ config: {} }, true) ?? "", /HEALTHCHECK is missing/);
        assert.equal(healthcheckProblem({ config: {} }, false), undefined);
        assert.equal(sizeProblem(249e6, 250), undefined);
        assert.equal(sizeProblem(2.1e9, 250), "2100 MB is over its 250 MB budget");
    });

    it("knows a stand-in for every base image the sample Dockerfiles use, and mirrors their registries", () => {
        const bases = ["catalog-api", "storefront", "thumbnails"].flatMap((s) => baseImages(path.join(PROJECT_ROOT, "services", s, "Dockerfile")));
        assert.deepEqual([...new Set(bases)].sort(), ["node:24-bookworm-slim", "public.ecr.aws/lambda/nodejs:24"]);
        assert.deepEqual(bases.map((b) => recipeFor(b)?.repository), bases.map((b) => (b.startsWith("node") ? "library/node:24-bookworm-slim" : "lambda/nodejs:24")));
        assert.equal(recipeFor("python:3.13-slim"), undefined);
        const conf = registriesConf(bases.map((b) => recipeFor(b)!), "127.0.0.1:5000");
        assert.match(conf, /prefix = "docker.io"[\s\S]*location = "127.0.0.1:5000"/);
        assert.match(conf, /prefix = "public.ecr.aws"[\s\S]*location = "127.0.0.1:5000"/);
    });

    // Running the plan installs the gate's own mocks (they are process-global): give the other
    // test files theirs back.
    after(() => useStack("dev"));

    it("reads the builds from the recorded plan: every service of dev and prod, with ServiceImage's args", async function () {
        this.timeout(60_000);
        const builds = await plannedBuilds(PROJECT_ROOT, ["dev", "prod"]);
        assert.deepEqual(builds.map((b) => [b.service, b.platform, b.stacks.join(",")]).sort(), [
            ["catalog-api", "linux/arm64", "dev,prod"],
            ["storefront", "linux/arm64", "dev,prod"],
            ["storefront-legacy", "linux/amd64", "dev,prod"],
            ["thumbnails", "linux/arm64", "dev,prod"],
        ]);
        const thumbnails = builds.find((b) => b.service === "thumbnails")!;
        assert.equal(thumbnails.dockerfile, path.join(PROJECT_ROOT, "services", "thumbnails", "Dockerfile"));
        assert.equal(thumbnails.buildArgs.TARGETARCH, "arm64");
    });
});
