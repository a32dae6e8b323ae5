/**
 * The registry rules against a real registry: Debian's docker-registry on 127.0.0.1 (one open, one
 * with basic auth), crafted images pushed with the distribution API, and the pack driven over the
 * analyzer protocol the way `pulumi up` drives it: `analyze` for the consumer, whose image was
 * created (so its digest is known) before the consumer's own step.
 */
import { strict as assert } from "assert";
import * as bcrypt from "bcryptjs";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { LocalRegistry, freePort } from "../../cli/src/images/local-registry";
import { Diagnostic, PolicyPackProcess } from "../../cli/src/policy-gate/analyzer-client";
import { startWorkspacePack } from "../../cli/src/policy-gate/workspace-pack";
import { resolvePackConfig } from "../../cli/src/policy-gate/pack-config";
import { UNKNOWN_SENTINEL } from "../../cli/src/recording-monitor";
import { Descriptor, OCI_MANIFEST, RegistryWriter } from "../support/oci-push";
import { packConfigWith, requireDockerRegistry } from "../support/docker-registry";

const MATCHES = "image-platform-matches-registry";
const READABLE = "image-platform-readable-from-registry";
const ECR = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
const ECR_NEEDING_TOKEN = "210987654321.dkr.ecr.eu-west-1.amazonaws.com";
const PRIVATE = "registry.example.test";
const NO_CREDENTIALS = "nocreds.example.test";
const WRONG_PASSWORD = "wrong.example.test";
const CLOSED = "closed.example.test";
const SILENT = "silent.example.test";
const PASSWORD_ENV = "POLYARCH_TEST_REGISTRY_PASSWORD";
const WRONG_PASSWORD_ENV = "POLYARCH_TEST_REGISTRY_WRONG_PASSWORD";
const ARM64 = { os: "linux", architecture: "arm64" };
const AMD64 = { os: "linux", architecture: "amd64" };

describe("registry rules against a real registry (docker-registry on loopback)", function () {
    this.timeout(120_000);
    let open: LocalRegistry;
    let authed: LocalRegistry;
    let silent: net.Server;
    let pack: PolicyPackProcess;
    let writer: RegistryWriter;
    let privateWriter: RegistryWriter;
    let workDir: string;
    const savedEnv = { ...process.env };

    /** The registry settings both rules get, as a stack's policy config would carry them. */
    let registrySettings: Record<string, unknown>;

    before(async function () {
        requireDockerRegistry(this);
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-registry-"));
        const password = crypto.randomBytes(12).toString("hex");
        const htpasswd = path.join(workDir, "htpasswd");
        fs.writeFileSync(htpasswd, `deployer:${bcrypt.hashSync(password, 10)}\n`);
        open = await LocalRegistry.start(path.join(workDir, "open"));
        authed = await LocalRegistry.start(path.join(workDir, "authed"), htpasswd);
        // A port that accepts connections and never answers: a lookup over its time budget.
        silent = net.createServer(() => undefined);
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        const closedPort = await freePort();
        writer = new RegistryWriter(`http://${open.address}`);
        privateWriter = new RegistryWriter(`http://${authed.address}`, { username: "deployer", password });

        // The pack inherits its environment: the private registry's password, and no AWS credentials.
        process.env[PASSWORD_ENV] = password;
        process.env[WRONG_PASSWORD_ENV] = "not-the-password";
        for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"]) {
            delete process.env[key];
        }
        Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: path.join(workDir, "none"), AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, "none") });
        pack = await startWorkspacePack();

        const silentPort = (silent.address() as net.AddressInfo).port;
        registrySettings = {
            registryEndpoints: {
                [ECR]: `http://${open.address}`,
                [ECR_NEEDING_TOKEN]: `http://${authed.address}`,
                [PRIVATE]: `http://${authed.address}`,
                [NO_CREDENTIALS]: `http://${authed.address}`,
                [WRONG_PASSWORD]: `http://${authed.address}`,
                [CLOSED]: `http://127.0.0.1:${closedPort}`,
                [SILENT]: `http://127.0.0.1:${silentPort}`,
            },
            registryCredentials: {
                [PRIVATE]: { username: "deployer", passwordEnv: PASSWORD_ENV },
                [WRONG_PASSWORD]: { username: "deployer", passwordEnv: WRONG_PASSWORD_ENV },
            },
            lookupTimeoutMs: 1500,
        };
        await configure("prod");
    });

    after(async () => {
        await pack?.close();
        open?.stop();
        authed?.stop();
        silent?.close();
        process.env = savedEnv;
        if (workDir) {
            fs.rmSync(workDir, { recursive: true, force: true });
        }
    });

    /** A stack's policy config file (dev or prod) with the registry settings on both rules. */
    async function configure(stack: "dev" | "prod"): Promise<void> {
        const file = packConfigWith(stack, [MATCHES, READABLE], registrySettings);
        await pack.configure(resolvePackConfig(file, await pack.getAnalyzerInfo(), `${stack}.json`).config);
    }

    const registryDiagnostics = (found: Diagnostic[]) => found.filter((d) => d.policy === MATCHES || d.policy === READABLE);

    async function lambda(imageUri: string, architectures = ["arm64"]): Promise<Diagnostic[]> {
        return registryDiagnostics(await pack.analyze({
            urn: "urn:pulumi:prod::polyarch::aws:lambda/function:Function::fn", type: "aws:lambda/function:Function", name: "fn",
            properties: { packageType: "Image", imageUri, architectures, tracingConfig: { mode: "Active" } },
            parent: "", dependencies: [], propertyDependencies: {}, protect: false,
        }));
    }

    async function ecsTask(image: string, cpuArchitecture: string): Promise<Diagnostic[]> {
        return registryDiagnostics(await pack.analyze({
            urn: "urn:pulumi:prod::polyarch::aws:ecs/taskDefinition:TaskDefinition::task", type: "aws:ecs/taskDefinition:TaskDefinition", name: "task",
            properties: { family: "task", runtimePlatform: { cpuArchitecture, operatingSystemFamily: "LINUX" }, containerDefinitions: JSON.stringify([{ name: "app", image }]) },
            parent: "", dependencies: [], propertyDependencies: {}, protect: false,
        }));
    }

    async function deployment(image: string, arch: string): Promise<Diagnostic[]> {
        return registryDiagnostics(await pack.analyze({
            urn: "urn:pulumi:prod::polyarch::kubernetes:apps/v1:Deployment::web", type: "kubernetes:apps/v1:Deployment", name: "web",
            properties: { spec: { template: { spec: { nodeSelector: { "kubernetes.io/arch": arch }, containers: [{ name: "web", image }] } } } },
            parent: "", dependencies: [], propertyDependencies: {}, protect: false,
        }));
    }

    async function expressService(image: string): Promise<Diagnostic[]> {
        return registryDiagnostics(await pack.analyze({
            urn: "urn:pulumi:prod::polyarch::aws:ecs/expressGatewayService:ExpressGatewayService::web-service",
            type: "aws:ecs/expressGatewayService:ExpressGatewayService", name: "web-service",
            properties: { executionRoleArn: "arn:aws:iam::123456789012:role/e", infrastructureRoleArn: "arn:aws:iam::123456789012:role/i", primaryContainer: { image } },
            parent: "", dependencies: [], propertyDependencies: {}, protect: false,
        }));
    }

    const at = (host: string, repository: string, image: Descriptor) => `${host}/${repository}@${image.digest}`;

    it("refuses, before creation, a Lambda whose digest points at an amd64 image; passes the arm64 one", async () => {
        const amd = await writer.image("thumbnails", AMD64);
        const arm = await writer.image("thumbnails", ARM64);
        const [d, ...rest] = await lambda(at(ECR, "thumbnails", amd));
        assert.deepEqual(rest, []);
        assert.equal(d.policy, MATCHES);
        assert.equal(d.level, "mandatory");
        assert.match(d.message, new RegExp(`Lambda function 'fn' runs arm64 .*registry says image ${ECR}/thumbnails@${amd.digest} \\(${amd.digest}\\) is linux/amd64.*exec format error.*Fix: build the image for linux/arm64`));
        assert.deepEqual(await lambda(at(ECR, "thumbnails", arm)), []);
    });

    it("checks an image never built in the stack by its digest alone (a pinned or promoted image)", async () => {
        const promoted = await writer.image("promoted/api", AMD64);
        assert.deepEqual((await ecsTask(at(ECR, "promoted/api", promoted), "ARM64")).map((d) => d.policy), [MATCHES]);
        assert.deepEqual(await ecsTask(at(ECR, "promoted/api", promoted), "X86_64"), []);
    });

    it("refuses any index for Lambda, which needs a single manifest", async () => {
        const arm = await writer.image("multi", ARM64);
        const amd = await writer.image("multi", AMD64);
        const index = await writer.index("multi", [arm, amd]);
        const [d] = await lambda(at(ECR, "multi", index));
        assert.equal(d.policy, MATCHES);
        assert.match(d.message, /is an index of linux\/arm64, linux\/amd64: Lambda needs a single-platform image/);
    });

    it("for ECS and Kubernetes, needs the consumer's platform in the index, ignoring attestation entries", async () => {
        const arm = await writer.image("web", ARM64);
        const index = await writer.index("web", [arm, await writer.attestation("web", arm)]);
        assert.deepEqual(await ecsTask(at(ECR, "web", index), "ARM64"), []);
        assert.deepEqual(await deployment(at(ECR, "web", index), "arm64"), []);
        const [d] = await deployment(at(ECR, "web", index), "amd64");
        assert.equal(d.policy, MATCHES);
        assert.match(d.message, /is an index of linux\/arm64, without linux\/amd64/, "the attestation's unknown/unknown is not listed as a platform");
    });

    it("for ECS Express Mode, which runs the image's own architecture, passes arm64 or amd64 and refuses an index of neither", async () => {
        const arm = await writer.image("express", ARM64);
        assert.deepEqual(await expressService(at(ECR, "express", arm)), []);
        assert.deepEqual(await expressService(at(ECR, "express", await writer.index("express", [arm, await writer.image("express", AMD64)]))), []);
        const armV7 = await writer.image("express", { os: "linux", architecture: "arm", variant: "v7" });
        const foreign = await writer.index("express", [armV7, await writer.attestation("express", armV7)]);
        const [d, ...rest] = await expressService(at(ECR, "express", foreign));
        assert.deepEqual(rest, []);
        assert.equal(d.policy, MATCHES);
        assert.match(d.message, new RegExp(`^ECS Express Mode service 'web-service' runs its image's architecture .*registry says image ${ECR}/express@${foreign.digest} .* is linux/arm/v7, none of which it runs: it would fail with "exec format error"`));
    });

    it("looks up a tag too (image-reference-by-digest refuses the tag itself)", async () => {
        await writer.image("tagged", AMD64, "v1");
        const [d] = await lambda(`${ECR}/tagged:v1`);
        assert.equal(d.policy, MATCHES);
        assert.match(d.message, /is linux\/amd64/);
    });

    it("reads a private registry with configured credentials (basic auth)", async () => {
        const amd = await privateWriter.image("private/app", AMD64);
        assert.deepEqual((await lambda(at(PRIVATE, "private/app", amd))).map((d) => d.policy), [MATCHES]);
    });

    describe("fails closed, saying which failure and why", () => {
        const failure = async (imageUri: string) => {
            const found = await lambda(imageUri);
            assert.equal(found.length, 1, JSON.stringify(found));
            assert.equal(found[0].policy, READABLE);
            return found[0];
        };

        it("a missing config blob", async () => {
            const image = await writer.image("gone", ARM64);
            const manifest = await (await fetch(`http://${open.address}/v2/gone/manifests/${image.digest}`, { headers: { accept: OCI_MANIFEST } })).json() as { config: { digest: string } };
            await writer.deleteBlob("gone", manifest.config.digest);
            assert.match((await failure(at(ECR, "gone", image))).message, /\(missing-config: the config blob sha256:[0-9a-f]{64} of .* is missing from the registry\)\. Fix: re-push the image/);
        });

        it("an artifact instead of an image (unknown manifest type)", async () => {
            const config = await writer.blob("sbom", "{}");
            const layer = await writer.blob("sbom", "spdx");
            const artifact = await writer.manifest("sbom", undefined, {
                schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: "application/spdx+json",
                config: { mediaType: "application/vnd.oci.empty.v1+json", digest: config.digest, size: config.size },
                layers: [{ mediaType: "application/spdx+json", digest: layer.digest, size: layer.size }],
            }, OCI_MANIFEST);
            assert.match((await failure(at(ECR, "sbom", artifact))).message, /unknown-manifest-type: .* is an artifact \(config application\/vnd\.oci\.empty\.v1\+json\), not a container image/);
        });

        it("an image that does not exist", async () => {
            const digest = `sha256:${"0".repeat(64)}`;
            assert.match((await failure(`${ECR}/nothing@${digest}`)).message, /not-found: .* does not exist/);
        });

        it("a registry that asks for credentials none are configured for", async () => {
            const amd = await privateWriter.image("private/nocreds", AMD64);
            assert.match((await failure(at(NO_CREDENTIALS, "private/nocreds", amd))).message, /no-credentials: .* requires credentials and none are configured/);
        });

        it("wrong credentials", async () => {
            const amd = await privateWriter.image("private/wrong", AMD64);
            assert.match((await failure(at(WRONG_PASSWORD, "private/wrong", amd))).message, /unauthorized: the registry refused .* \(HTTP 401\)/);
        });

        it("ECR without AWS credentials (GetAuthorizationToken with the default chain)", async () => {
            const amd = await privateWriter.image("ecr/app", AMD64);
            const d = await failure(at(ECR_NEEDING_TOKEN, "ecr/app", amd));
            assert.match(d.message, /no-credentials: ECR GetAuthorizationToken in eu-west-1 failed with the deployer's AWS credentials \(CredentialsProviderError/);
            assert.match(d.message, /Fix: give the deployer AWS credentials that may call ecr:GetAuthorizationToken/);
        });

        it("an unreachable registry", async () => {
            assert.match((await failure(`${CLOSED}/app@sha256:${"1".repeat(64)}`)).message, /unreachable: .* is unreachable \(ECONNREFUSED\)/);
        });

        it("a lookup over its time budget", async () => {
            const started = Date.now();
            assert.match((await failure(`${SILENT}/app@sha256:${"2".repeat(64)}`)).message, /timeout: .* did not answer within the lookup time budget\)\. Fix: raise lookupTimeoutMs/);
            assert.ok(Date.now() - started < 10_000);
        });

        it("a registry serving bytes that do not hash to the digest asked for (a misdirected endpoint)", async () => {
            // Not a registry: an HTTP server answering every manifest request with the same document.
            const liar = http.createServer((_req, res) => {
                res.writeHead(200, { "content-type": OCI_MANIFEST });
                res.end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {}, layers: [] }));
            });
            await new Promise<void>((resolve) => liar.listen(0, "127.0.0.1", resolve));
            try {
                const host = "liar.example.test";
                const endpoints = { ...(registrySettings.registryEndpoints as object), [host]: `http://127.0.0.1:${(liar.address() as net.AddressInfo).port}` };
                registrySettings = { ...registrySettings, registryEndpoints: endpoints };
                await configure("prod");
                assert.match((await failure(`${host}/app@sha256:${"4".repeat(64)}`)).message, /digest-mismatch: the registry answered .* with content whose digest is sha256:/);
            } finally {
                liar.close();
            }
        });

        it("is mandatory in prod and advisory in dev", async () => {
            const uri = `${CLOSED}/levels@sha256:${"3".repeat(64)}`;
            assert.equal((await failure(uri)).level, "mandatory");
            await configure("dev");
            try {
                assert.equal((await failure(uri)).level, "advisory");
            } finally {
                await configure("prod");
            }
        });
    });

    it("stays silent during a preview of a new image (the reference is unknown)", async () => {
        assert.deepEqual(await lambda(UNKNOWN_SENTINEL), []);
    });

    describe("cache (runs last: it stops the registry)", () => {
        it("looks each digest up once per run: a cached answer survives the registry going away", async () => {
            const amd = await writer.image("cached", AMD64);
            assert.equal((await lambda(at(ECR, "cached", amd))).length, 1);
            const again = await writer.image("cached-later", ARM64);
            open.stop();
            assert.equal((await lambda(at(ECR, "cached", amd)))[0].policy, MATCHES, "answered from the cache");
            assert.equal((await lambda(at(ECR, "cached-later", again)))[0].policy, READABLE, "a new digest needs the registry");
        });
    });
});
