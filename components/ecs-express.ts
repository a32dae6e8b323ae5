import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { architecturesForTarget } from "./compute-architecture";
import { FARGATE_TASK_SIZES, sizeProblem } from "./compute-sizes";
import { refuse, requirePort } from "./errors";
import { assumeRolePolicy } from "./iam";
import { taskRoles } from "./task-roles";
import { ImageReference } from "./image-reference";
import { Architecture, dockerPlatform, expressRunArchitecture, runtimeEnvironment } from "./platform";

const TYPE = "polyarch:compute:EcsExpressService";

/** The AWS managed policy AWS documents for an Express Mode infrastructure role (ECS developer guide, "Amazon ECS infrastructure IAM role"). */
export const EXPRESS_INFRASTRUCTURE_POLICY = "service-role/AmazonECSInfrastructureRoleforExpressGatewayServices";

export interface EcsExpressServiceArgs {
    /**
     * Image to run. Express Mode has no architecture input: ECS runs a single-platform linux/arm64
     * image on Graviton and anything that includes linux/amd64 on x86 (see the catalog's ECS_EXPRESS).
     */
    image: ImageReference;
    /** Task CPU units, one of Fargate's sizes (256 … 16384). Default 256. */
    cpu?: number;
    /** Task memory MiB, one Fargate pairs with the CPU. Default the smallest of them (512 for 256). */
    memory?: number;
    /** Container port. Default 8080. */
    port?: number;
    /** Load balancer health check path. Default `/healthz`. */
    healthCheckPath?: string;
    /** Task count range for Express's target-tracking scaling. Default 1 to 4. */
    scaling?: { minTasks: number; maxTasks: number };
    /**
     * Subnets and security groups for the tasks (at least two subnets). Default: Express Mode uses
     * the account's default VPC.
     */
    network?: { subnetIds: pulumi.Input<pulumi.Input<string>[]>; securityGroupIds: pulumi.Input<pulumi.Input<string>[]> };
    /** Environment variables, merged over the per-architecture runtime settings. */
    environment?: Record<string, pulumi.Input<string>>;
    /** Days to keep logs. Default 14. */
    logRetentionDays?: number;
    /** Tags for every resource. */
    tags?: Record<string, pulumi.Input<string>>;
}

/**
 * An ECS Express Mode service (`aws.ecs.ExpressGatewayService`), App Runner's documented successor
 * for new accounts: Express provisions the Fargate service, HTTPS load balancer, scaling and
 * security groups from an image and two roles. polyarch gives it a scoped execution role, the
 * documented infrastructure role and a log group with retention, and reports the architecture ECS
 * will run, which Express derives from the image rather than from an input.
 */
export class EcsExpressService extends pulumi.ComponentResource {
    public readonly service: aws.ecs.ExpressGatewayService;
    /** What ECS runs the tasks on (ECS_EXPRESS in the catalog). */
    public readonly architecture: Architecture;
    /** `https://<endpoint Express assigns>`. */
    public readonly url: pulumi.Output<string>;
    public readonly serviceArn: pulumi.Output<string>;

    constructor(name: string, args: EcsExpressServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const covered = architecturesForTarget(TYPE, name, "ecs-express", args.image);
        const arch = expressRunArchitecture(covered);
        if (arch === undefined) {
            throw refuse(TYPE, name, "image", `covers ${covered.map(dockerPlatform).join(", ")}, none of which Fargate runs`);
        }
        const cpu = args.cpu ?? 256;
        const memory = args.memory ?? FARGATE_TASK_SIZES[cpu]?.[0] ?? 0;
        const sizeError = sizeProblem(FARGATE_TASK_SIZES, "Fargate", cpu, memory);
        if (sizeError !== undefined) {
            throw refuse(TYPE, name, sizeError.field, sizeError.reason);
        }
        const port = args.port ?? 8080;
        requirePort(TYPE, name, port);
        const scaling = args.scaling ?? { minTasks: 1, maxTasks: 4 };
        if (!Number.isInteger(scaling.minTasks) || !Number.isInteger(scaling.maxTasks) || scaling.minTasks < 0 ||
            scaling.maxTasks < Math.max(1, scaling.minTasks)) {
            throw refuse(TYPE, name, "scaling", `got min ${scaling.minTasks}, max ${scaling.maxTasks}; need whole numbers with 0 <= min <= max and max >= 1`);
        }
        super(TYPE, name, {}, opts);

        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            retentionInDays: args.logRetentionDays ?? 14,
            tags: args.tags,
        }, { parent: this });

        // Pulls the image and ships logs, for this repository and log group only.
        const { executionRole, executionPolicy, taskRole } = taskRoles(name, this, args.image, logGroup, args.tags);
        // ECS assumes it to create and manage the load balancer, target groups, security groups and scaling.
        const infrastructureRole = new aws.iam.Role(`${name}-infrastructure-role`, {
            assumeRolePolicy: assumeRolePolicy("ecs.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });
        const infrastructurePolicy = new aws.iam.RolePolicyAttachment(`${name}-infrastructure`, {
            role: infrastructureRole.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${EXPRESS_INFRASTRUCTURE_POLICY}`,
        }, { parent: this });

        const environment = { ...runtimeEnvironment(arch, cpu / 1024), ...args.environment };
        this.service = new aws.ecs.ExpressGatewayService(`${name}-service`, {
            executionRoleArn: executionRole.arn,
            infrastructureRoleArn: infrastructureRole.arn,
            taskRoleArn: taskRole.arn,
            cpu: String(cpu),
            memory: String(memory),
            healthCheckPath: args.healthCheckPath ?? "/healthz",
            primaryContainer: {
                image: args.image.imageUri,
                containerPort: port,
                environments: Object.entries(environment).map(([key, value]) => ({ name: key, value })),
                awsLogsConfigurations: [{ logGroup: logGroup.name, logStreamPrefix: name }],
            },
            networkConfigurations: args.network ? [{ subnets: args.network.subnetIds, securityGroups: args.network.securityGroupIds }] : undefined,
            scalingTargets: [{
                minTaskCount: scaling.minTasks,
                maxTaskCount: scaling.maxTasks,
                autoScalingMetric: "AVERAGE_CPU",
                autoScalingTargetValue: 60,
            }],
            // `up` waits for the tasks to run, so an image that cannot start fails the update.
            waitForSteadyState: true,
            tags: args.tags,
        }, { parent: this, dependsOn: [executionPolicy, infrastructurePolicy] });

        this.architecture = arch;
        this.serviceArn = this.service.serviceArn;
        this.url = this.service.ingressPaths.apply((paths) => `https://${paths?.[0]?.endpoint ?? ""}`);
        this.registerOutputs({ url: this.url, serviceArn: this.serviceArn, architecture: arch });
    }
}
