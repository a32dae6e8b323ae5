import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import * as crypto from "crypto";
import { architectureForTarget } from "./compute-architecture";
import { APPRUNNER_INSTANCE_SIZES, sizeProblem } from "@polyarch/platform";
import { refuse, requirePort } from "./errors";
import { assumeRolePolicy, ecrPullStatements, policyDocument } from "./iam";
import { ImageReference } from "./image-reference";
import { Architecture, runtimeEnvironment } from "./platform";

const TYPE = "polyarch:compute:AppRunnerService";

/** App Runner's ServiceName constraint. */
const SERVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$/;
/** How long a new access role is given to become assumable before the service is created. */
export const IAM_PROPAGATION_WAIT = "20s";

export interface AppRunnerServiceArgs {
    /** Image to run; App Runner runs only x86_64, so an arm64 image is refused. */
    image: ImageReference;
    /**
     * App Runner service name (4–40 of letters, digits, '-' or '_'), unique per account and region.
     * Default `<project>-<stack>-<name>`, so a dev and a prod stack in one account never collide.
     */
    serviceName?: string;
    /** Port the container listens on. Default 8080. */
    port?: number;
    /** CPU units (256, 512, 1024, 2048, 4096). Default 1024. */
    cpu?: number;
    /** Memory in MB, one App Runner pairs with the CPU (1024: 2048, 3072 or 4096). Default the smallest of them. */
    memory?: number;
    /** HTTP health check path. Default `/healthz`. */
    healthCheckPath?: string;
    /** Environment variables, merged over the per-architecture runtime settings. */
    environment?: Record<string, pulumi.Input<string>>;
    /** Tags for every resource. */
    tags?: Record<string, pulumi.Input<string>>;
}

/**
 * An App Runner service running an ECR image by digest. App Runner has no architecture setting and
 * runs x86_64 only: the image's architecture is checked here, before anything is created.
 * Note: App Runner stopped accepting new customers on 2026-04-30; new accounts use `EcsService`.
 */
export class AppRunnerService extends pulumi.ComponentResource {
    public readonly service: aws.apprunner.Service;
    public readonly serviceUrl: pulumi.Output<string>;
    public readonly serviceArn: pulumi.Output<string>;
    public readonly architecture: Architecture;

    constructor(name: string, args: AppRunnerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const arch = architectureForTarget(TYPE, name, "apprunner", args.image);
        const cpu = args.cpu ?? 1024;
        const memory = args.memory ?? APPRUNNER_INSTANCE_SIZES[cpu]?.[0] ?? 0;
        const port = args.port ?? 8080;
        const sizeError = sizeProblem(APPRUNNER_INSTANCE_SIZES, "App Runner", cpu, memory);
        if (sizeError !== undefined) {
            throw refuse(TYPE, name, sizeError.field, sizeError.reason);
        }
        requirePort(TYPE, name, port);
        const serviceName = args.serviceName ?? defaultServiceName(name);
        if (!SERVICE_NAME_PATTERN.test(serviceName)) {
            throw refuse(TYPE, name, "serviceName",
                `'${serviceName}' must be 4 to 40 letters, digits, '-' or '_', starting with a letter or digit`);
        }
        super(TYPE, name, {}, opts);

        // App Runner's build service pulls the image; the running instance is a separate principal.
        const accessRole = new aws.iam.Role(`${name}-access-role`, {
            assumeRolePolicy: assumeRolePolicy("build.apprunner.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });
        const accessPolicy = new aws.iam.RolePolicy(`${name}-ecr-pull`, {
            role: accessRole.id,
            policy: policyDocument(ecrPullStatements(args.image.repositoryArn)),
        }, { parent: this });
        // A new role is not assumable by App Runner for several seconds (IAM is eventually
        // consistent), and CreateService then fails with "Error in assuming access role"; the AWS
        // provider does not retry it. Wait once after the role and its policy exist, and again
        // whenever either is replaced.
        const accessRoleReady = new time.Sleep(`${name}-access-role-propagation`, {
            createDuration: IAM_PROPAGATION_WAIT,
            triggers: { roleArn: accessRole.arn, policyId: accessPolicy.id },
        }, { parent: this, dependsOn: [accessPolicy] });
        const instanceRole = new aws.iam.Role(`${name}-instance-role`, {
            assumeRolePolicy: assumeRolePolicy("tasks.apprunner.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });

        // A new digest is an in-place UpdateService (only serviceName and encryptionConfiguration are
        // ForceNew), and `up` waits only for the service status to leave OPERATION_IN_PROGRESS for
        // RUNNING (terraform-provider-aws `internal/service/apprunner/service.go` resourceServiceUpdate
        // -> waitServiceUpdated). A deployment that fails its health check ends in ROLLBACK_SUCCEEDED
        // with the service RUNNING the previous image (AWS API reference: OperationSummary), so `up`
        // still succeeds; README: Day two says to check `aws apprunner list-operations` after a deploy.
        this.service = new aws.apprunner.Service(`${name}-service`, {
            serviceName,
            sourceConfiguration: {
                authenticationConfiguration: { accessRoleArn: accessRole.arn },
                // Deploys happen through `pulumi up` with a new digest, never behind Pulumi's back.
                autoDeploymentsEnabled: false,
                imageRepository: {
                    imageIdentifier: args.image.imageUri,
                    imageRepositoryType: "ECR",
                    imageConfiguration: {
                        port: String(port),
                        runtimeEnvironmentVariables: { ...runtimeEnvironment(arch, cpu / 1024), ...args.environment },
                    },
                },
            },
            instanceConfiguration: { cpu: String(cpu), memory: String(memory), instanceRoleArn: instanceRole.arn },
            healthCheckConfiguration: {
                protocol: "HTTP",
                path: args.healthCheckPath ?? "/healthz",
                interval: 10,
                timeout: 5,
                healthyThreshold: 1,
                unhealthyThreshold: 3,
            },
            tags: args.tags,
        }, { parent: this, dependsOn: [accessPolicy, accessRoleReady] });

        this.architecture = arch;
        this.serviceUrl = pulumi.interpolate`https://${this.service.serviceUrl}`;
        this.serviceArn = this.service.arn;
        this.registerOutputs({ serviceUrl: this.serviceUrl, serviceArn: this.serviceArn, architecture: arch });
    }
}

/**
 * `<project>-<stack>-<name>` in App Runner's alphabet. Too long a name keeps its start and gets a
 * hash of the whole, so two stacks still get different names.
 */
export function defaultServiceName(name: string, project = pulumi.getProject(), stack = pulumi.getStack()): string {
    const full = `${project}-${stack}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^[^A-Za-z0-9]+/, "");
    if (full.length <= 40) {
        return full.padEnd(4, "-");
    }
    const hash = crypto.createHash("sha256").update(full).digest("hex").slice(0, 8);
    return `${full.slice(0, 31)}-${hash}`;
}
