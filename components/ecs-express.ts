import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { architecturesForTarget } from "./compute-architecture";
import { EXPRESS_TASK_SIZES, sizeProblem } from "@polyarch/platform";
import { refuse, requirePort } from "./errors";
import { assumeRolePolicy } from "./iam";
import { taskRoles } from "./task-roles";
import { ImageReference } from "./image-reference";
import { Architecture, dockerPlatform, expressRunArchitecture, runtimeEnvironment } from "./platform";

const TYPE = "polyarch:compute:EcsExpressService";

/** The AWS managed policy AWS documents for an Express Mode infrastructure role (ECS developer guide, "Amazon ECS infrastructure IAM role"). */
export const EXPRESS_INFRASTRUCTURE_POLICY = "service-role/AmazonECSInfrastructureRoleforExpressGatewayServices";

/** The container port when none is given. */
export const EXPRESS_DEFAULT_PORT = 8080;

/**
 * The environment variable that carries the service's scaling settings into the primary container.
 * It is there for the provider, not the application: terraform-provider-aws
 * `internal/service/ecs/express_gateway_service.go` (resource Update, in the version @pulumi/aws
 * 7.48 bundles) diffs plan and state with `fwflex.WithIgnoredField("scaling_target")` and calls
 * UpdateExpressGatewayService only when that diff has changes; when it does, it expands the whole
 * plan, `scaling_target` included. A change of scaling alone is therefore never sent (the update
 * reports success and AWS keeps the old task range); with the settings in the environment, the
 * same change also changes the container, so the one update sends both. The cost is a new service
 * revision, rolled out by Express's canary deployment (no downtime, same URL); a replacement
 * (`replaceOnChanges`) would instead create a second service with a new URL.
 */
export const EXPRESS_SCALING_ENVIRONMENT = "POLYARCH_EXPRESS_SCALING";

export interface EcsExpressServiceArgs {
    /**
     * Image to run. Express Mode has no architecture input: ECS runs a single-platform linux/arm64
     * image on Graviton and anything that includes linux/amd64 on x86 (see the catalog's ECS_EXPRESS).
     */
    image: ImageReference;
    /** Task CPU units, one of Express's sizes (256 … 4096, EXPRESS_TASK_SIZES). Default 256. */
    cpu?: number;
    /** Task memory MiB, one Express pairs with the CPU (512 … 8192). Default the smallest of them (512 for 256). */
    memory?: number;
    /** Container port. Default 8080. */
    port?: number;
    /** Load balancer health check path. Default `/healthz`. */
    healthCheckPath?: string;
    /**
     * Task count range for Express's target-tracking scaling. Default 1 to 4. A change is applied
     * in place with a new service revision (see EXPRESS_SCALING_ENVIRONMENT).
     */
    scaling?: { minTasks: number; maxTasks: number };
    /**
     * Subnets (at least two, in different Availability Zones) and security groups for the tasks;
     * Express places its load balancer in the same subnets, internet-facing in public subnets and
     * internal in private ones. The security groups must admit the container port from the load
     * balancer, whose own security group Express creates. Changing it updates the service in place.
     * Omitted: Express uses the account's default VPC, and creation fails in an account without one.
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
        const memory = args.memory ?? EXPRESS_TASK_SIZES[cpu]?.[0] ?? 0;
        const sizeError = sizeProblem(EXPRESS_TASK_SIZES, "ECS Express Mode", cpu, memory);
        if (sizeError !== undefined) {
            throw refuse(TYPE, name, sizeError.field, sizeError.reason);
        }
        const port = args.port ?? EXPRESS_DEFAULT_PORT;
        requirePort(TYPE, name, port);
        const scaling = args.scaling ?? { minTasks: 1, maxTasks: 4 };
        if (!Number.isInteger(scaling.minTasks) || !Number.isInteger(scaling.maxTasks) || scaling.minTasks < 0 ||
            scaling.maxTasks < Math.max(1, scaling.minTasks)) {
            throw refuse(TYPE, name, "scaling", `got min ${scaling.minTasks}, max ${scaling.maxTasks}; need whole numbers with 0 <= min <= max and max >= 1`);
        }
        // The provider documents "At least 2 subnets must be specified when using network
        // configuration"; a list known now is checked now (an output is checked by AWS).
        const subnets = args.network?.subnetIds;
        if (Array.isArray(subnets) && subnets.length < 2) {
            throw refuse(TYPE, name, "network.subnetIds", `got ${subnets.length} subnet(s); Express needs at least 2, ` +
                "in different Availability Zones (its load balancer spans them)");
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

        const scalingTarget = {
            minTaskCount: scaling.minTasks,
            maxTaskCount: scaling.maxTasks,
            autoScalingMetric: "AVERAGE_CPU",
            autoScalingTargetValue: 60,
        };
        const environment = {
            ...runtimeEnvironment(arch, cpu / 1024),
            ...args.environment,
            // Last, so nothing overrides it: it is what makes a scaling change reach AWS.
            [EXPRESS_SCALING_ENVIRONMENT]: Object.entries(scalingTarget).map(([key, value]) => `${key}=${value}`).join(","),
        };
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
            // Updated in place: express_gateway_service.go declares network_configuration Optional+Computed
            // (UseStateForUnknown, no RequiresReplace) and its Update diff does not ignore it.
            networkConfigurations: args.network ? [{ subnets: args.network.subnetIds, securityGroups: args.network.securityGroupIds }] : undefined,
            // Sent on update only with another change: EXPRESS_SCALING_ENVIRONMENT above provides one.
            scalingTargets: [scalingTarget],
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
