/**
 * Day two, defect 1: the preview of a deployed stack whose image changed. Every input of the image
 * is known there, so docker-build's own default (`buildOnPreview: true`) builds during the preview
 * and hands the consumer a digest it never pushed (the gate's mocks model this:
 * cli/src/engine/provider-previews.ts). The registry rules, run against a real docker-registry on
 * loopback, then refuse the preview in prod. polyarch's images default to `buildOnPreview: false`:
 * the digest stays unknown until `up`, the registry rules stay silent, the stack rules judge.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalRegistry } from "../../cli/src/images/local-registry";
import { GateReport, runGate } from "../../cli/src/policy-gate/gate";
const REPO_ROOT = path.resolve(__dirname, "..", "..");
import { UNKNOWN_SENTINEL } from "../../cli/src/recording-monitor";
import { useStack } from "../support/mock-runtime";
import { packConfigWith, requireDockerRegistry } from "../support/docker-registry";

const PROJECT = path.join(REPO_ROOT, "test", "fixtures", "deployed-image-project");
const ECR = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
const READABLE = "image-platform-readable-from-registry";
const MATCHES = "image-platform-matches-registry";

describe("preview of a deployed stack whose image changed (docker-build buildOnPreview, real registry)", function () {
    this.timeout(180_000);
    let registry: LocalRegistry;
    let workDir: string;
    let configFile: string;
    const savedEnv = { ...process.env };

    before(async function () {
        requireDockerRegistry(this);
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-deployed-"));
        registry = await LocalRegistry.start(path.join(workDir, "registry"));
        for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) {
            delete process.env[key];
        }
        process.env.AWS_EC2_METADATA_DISABLED = "true";
        // prod's policy config, with the stack's ECR registry served by the loopback registry.
        const prod = packConfigWith("prod", [MATCHES, READABLE], { registryEndpoints: { [ECR]: `http://${registry.address}` } });
        configFile = path.join(workDir, "prod.json");
        fs.writeFileSync(configFile, JSON.stringify(prod));
    });

    after(() => {
        registry?.stop();
        process.env = savedEnv;
        if (workDir) {
            fs.rmSync(workDir, { recursive: true, force: true });
        }
        useStack("dev");
    });

    const gate = (stack: string): Promise<GateReport> =>
        runGate({ projectDir: PROJECT, stack, view: "preview", registry: true, packs: [{ config: configFile }] });
    const input = (report: GateReport, type: string, key: string): unknown => report.resources.find((r) => r.type === type)?.inputs[key];

    it("passes with polyarch's default: the digest is unknown until up, so the registry rules stay silent and the stack rules judge", async () => {
        const report = await gate("prod");
        assert.equal(input(report, "docker-build:index:Image", "buildOnPreview"), false);
        assert.equal(input(report, "aws:lambda/function:Function", "imageUri"), UNKNOWN_SENTINEL);
        assert.deepEqual(report.diagnostics.filter((d) => d.level === "mandatory"), []);
        assert.deepEqual(report.diagnostics.filter((d) => d.policy === READABLE || d.policy === MATCHES), []);
        const row = report.services.find((s) => s.service === "thumbnails");
        assert.equal(row?.verdict, "ok", "lambda-architecture-matches-image still judged it from the graph");
    });

    it("with docker-build's default (buildOnPreview: true) the consumer pins a digest never pushed, and prod refuses it as not found", async () => {
        const report = await gate("eager");
        const uri = String(input(report, "aws:lambda/function:Function", "imageUri"));
        assert.match(uri, new RegExp(`^${ECR}/thumbnails@sha256:[0-9a-f]{64}$`), "a concrete digest, built during the preview");
        const refusals = report.diagnostics.filter((d) => d.policy === READABLE);
        assert.equal(refusals.length, 1, JSON.stringify(report.diagnostics));
        assert.equal(refusals[0].level, "mandatory");
        assert.match(refusals[0].message, /could not be read .*\(not-found: .* does not exist/);
    });
});
