import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { architectureForTarget } from "./compute-architecture";
import { refuse, requirePort } from "./errors";
import { assumeRolePolicy, ecrPullStatements, policyDocument } from "./iam";
import { ImageReference } from "./image-reference";
import { Architecture, runtimeEnvironment } from "./platform";

const TYPE = "polyarch:compute:AppRunnerService";

/** App Runner instance sizes: CPU units (1024 = 1 vCPU) and memory MB. */
export const APPRUNNER_CPU_UNITS = [256, 512, 1024, 2048, 4096] as const;
/** App Runner's ServiceName constraint. */
const SERVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$/;
export const APPRUNNER_MEMORY_MB = [512, 1024, 2048, 3072, 4096, 6144, 8192, 10240, 12288] as const;

export interface AppRunnerServiceArgs {
    /** Image to run; App Runner runs only x86_64, so an arm64 image is refused. */
    image: ImageReference;
    /** App Runner service name (4–40 of letters, digits, '-' or '_'). Default the resource name (`-svc` added below 4). */
    serviceName?: string;
    /** Port the container listens on. Default 8080. */
    port?: number;
    /** CPU units (256, 512, 1024, 2048, 4096). Default 1024. */
    cpu?: number;
    /** Memory in MB (512 … 12288). Default 2048. */
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
        const memory = args.memory ?? 2048;
        const port = args.port ?? 8080;
        if (!(APPRUNNER_CPU_UNITS as readonly number[]).includes(cpu)) {
            throw refuse(TYPE, name, "cpu", `got ${cpu}; App Runner allows ${APPRUNNER_CPU_UNITS.join(", ")} CPU units`);
        }
        if (!(APPRUNNER_MEMORY_MB as readonly number[]).includes(memory)) {
            throw refuse(TYPE, name, "memory", `got ${memory}; App Runner allows ${APPRUNNER_MEMORY_MB.join(", ")} MB`);
        }
        requirePort(TYPE, name, port);
        // App Runner wants at least 4 characters; a short resource name gets a suffix, not an error.
        const serviceName = args.serviceName ?? (name.length >= 4 ? name : `${name}-svc`);
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
        const instanceRole = new aws.iam.Role(`${name}-instance-role`, {
            assumeRolePolicy: assumeRolePolicy("tasks.apprunner.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });

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
        }, { parent: this, dependsOn: [accessPolicy] });

        this.architecture = arch;
        this.serviceUrl = pulumi.interpolate`https://${this.service.serviceUrl}`;
        this.serviceArn = this.service.arn;
        this.registerOutputs({ serviceUrl: this.serviceUrl, serviceArn: this.serviceArn, architecture: arch });
    }
}
