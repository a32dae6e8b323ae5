import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { architecturesForTarget } from "./compute-architecture";
import { FARGATE_TASK_SIZES, sizeProblem } from "@polyarch/platform";
import { refuse, requirePort } from "./errors";
import { taskRoles } from "./task-roles";
import { ImageReference } from "./image-reference";
import { Architecture, describeChoices, dockerPlatform, ecsCpuArchitecture, runtimeEnvironment } from "./platform";

const TYPE = "polyarch:compute:EcsService";
const HTTP_PORT = 80;
const HTTPS_PORT = 443;
/** TLS 1.3 with 1.2 fallback: the ELB policy AWS recommends for new HTTPS listeners. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface EcsServiceArgs {
    /** Image to run; the task's `runtimePlatform.cpuArchitecture` is derived from it. */
    image: ImageReference;
    /**
     * For an image index: which of its architectures the task runs (a task runs one). Default the
     * image's `architecture`. Must be one the index covers.
     */
    architecture?: Architecture;
    /** VPC for the service's security group (and load balancer). */
    vpcId: pulumi.Input<string>;
    /** Subnets the tasks run in (private subnets with NAT or VPC endpoints to reach ECR). */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Public subnets for an internet-facing load balancer; without them no load balancer is made. */
    loadBalancerSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Existing ECS cluster ARN; default a cluster of its own. */
    clusterArn?: pulumi.Input<string>;
    /** Task CPU units (256 … 16384). Default 256. */
    cpu?: number;
    /** Task memory MiB, one of the values Fargate pairs with the CPU size. Default the smallest of them (512 for 256). */
    memory?: number;
    /** Container port. Default 8080. */
    port?: number;
    /** Running tasks. Default 1. */
    desiredCount?: number;
    /**
     * ACM certificate for the load balancer: it then serves HTTPS on 443 and redirects HTTP to it.
     * Without one the load balancer serves plain HTTP on 80.
     */
    certificateArn?: pulumi.Input<string>;
    /** Refuse a public load balancer without `certificateArn` (prod sets this). Default false. */
    requireHttps?: boolean;
    /** Load balancer health check path. Default `/healthz`. */
    healthCheckPath?: string;
    /** Environment variables, merged over the per-architecture runtime settings. */
    environment?: Record<string, pulumi.Input<string>>;
    /** Days to keep logs. Default 14. */
    logRetentionDays?: number;
    /** Tags for every resource. */
    tags?: Record<string, pulumi.Input<string>>;
}

/**
 * An ECS Fargate service (the container target for x86_64 or arm64 now that App Runner is closed to
 * new customers): cluster, task definition whose CPU architecture comes from the image, scoped
 * execution role, log group, security group and, when public subnets are given, a load balancer.
 */
export class EcsService extends pulumi.ComponentResource {
    public readonly taskDefinition: aws.ecs.TaskDefinition;
    public readonly service: aws.ecs.Service;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly architecture: Architecture;
    /** `https://` (or `http://` without a certificate) `<load balancer DNS>` when a load balancer was made. */
    public readonly url?: pulumi.Output<string>;

    constructor(name: string, args: EcsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const covered = architecturesForTarget(TYPE, name, "ecs", args.image);
        const arch = args.architecture ?? covered[0];
        if (!covered.includes(arch)) {
            throw refuse(TYPE, name, "architecture", `got '${String(arch)}' but the image covers only ` +
                `${covered.map(dockerPlatform).join(", ")}; choose ${describeChoices(covered)}, or add ${String(arch)} to the image`);
        }
        const cpu = args.cpu ?? 256;
        const port = args.port ?? 8080;
        // The smallest memory this CPU size allows, so choosing only cpu is always a valid task.
        const memory = args.memory ?? FARGATE_TASK_SIZES[cpu]?.[0] ?? 0;
        const sizeError = sizeProblem(FARGATE_TASK_SIZES, "Fargate", cpu, memory);
        if (sizeError !== undefined) {
            throw refuse(TYPE, name, sizeError.field, sizeError.reason);
        }
        requirePort(TYPE, name, port);
        if (args.requireHttps && args.loadBalancerSubnetIds !== undefined && args.certificateArn === undefined) {
            throw refuse(TYPE, name, "certificateArn", "a public load balancer must serve HTTPS here (requireHttps); " +
                "set certificateArn to an ACM certificate for the service's domain, or drop loadBalancerSubnetIds");
        }
        super(TYPE, name, {}, opts);

        const region = aws.getRegionOutput({}, { parent: this }).region;
        const clusterArn = args.clusterArn !== undefined
            ? pulumi.output(args.clusterArn)
            : new aws.ecs.Cluster(`${name}-cluster`, {
                settings: [{ name: "containerInsights", value: "enabled" }],
                tags: args.tags,
            }, { parent: this }).arn;

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            retentionInDays: args.logRetentionDays ?? 14,
            tags: args.tags,
        }, { parent: this });

        // The execution role pulls the image and ships logs; the task role is the app's own identity.
        const { executionRole, taskRole } = taskRoles(name, this, args.image, logGroup, args.tags);

        const environment = { ...runtimeEnvironment(arch, cpu / 1024), ...args.environment };
        this.taskDefinition = new aws.ecs.TaskDefinition(`${name}-task`, {
            family: name,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: String(cpu),
            memory: String(memory),
            runtimePlatform: { cpuArchitecture: ecsCpuArchitecture(arch), operatingSystemFamily: "LINUX" },
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            containerDefinitions: pulumi.jsonStringify([{
                name,
                image: args.image.imageUri,
                essential: true,
                readonlyRootFilesystem: false,
                portMappings: [{ containerPort: port, protocol: "tcp" }],
                environment: Object.entries(environment).map(([key, value]) => ({ name: key, value })),
                logConfiguration: {
                    logDriver: "awslogs",
                    options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": name },
                },
            }]),
            // Every input above is ForceNew, so a changed image registers a new revision and Pulumi
            // then deletes the old one; terraform-provider-aws `internal/service/ecs/task_definition.go`
            // resourceTaskDefinitionDelete calls DeregisterTaskDefinition unless `skip_destroy`. ECS
            // refuses to point a service at an INACTIVE revision ("You can't update an existing service
            // to reference an INACTIVE task definition revision", AWS docs: DeregisterTaskDefinition),
            // so without this a rollback to the previous release (`aws ecs update-service
            // --task-definition <family>:<n-1>`) fails. Kept revisions cost nothing; `pulumi destroy`
            // leaves them ACTIVE (README: Day two, what each target keeps).
            skipDestroy: true,
            tags: args.tags,
        }, { parent: this });

        const taskSecurityGroup = new aws.ec2.SecurityGroup(`${name}-tasks`, {
            vpcId: args.vpcId,
            description: `${name} Fargate tasks`,
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
            tags: args.tags,
        }, { parent: this });

        let loadBalancers: aws.types.input.ecs.ServiceLoadBalancer[] | undefined;
        let listenerDependency: pulumi.Resource[] = [];
        if (args.loadBalancerSubnetIds !== undefined) {
            const https = args.certificateArn !== undefined;
            // With a certificate, 80 stays open only to redirect to 443.
            const listenPorts = https ? [HTTP_PORT, HTTPS_PORT] : [HTTP_PORT];
            const lbSecurityGroup = new aws.ec2.SecurityGroup(`${name}-lb`, {
                vpcId: args.vpcId,
                description: `${name} load balancer`,
                ingress: listenPorts.map((p) => ({ protocol: "tcp", fromPort: p, toPort: p, cidrBlocks: ["0.0.0.0/0"] })),
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
                tags: args.tags,
            }, { parent: this });
            new aws.vpc.SecurityGroupIngressRule(`${name}-from-lb`, {
                securityGroupId: taskSecurityGroup.id,
                referencedSecurityGroupId: lbSecurityGroup.id,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
            }, { parent: this });
            const lb = new aws.lb.LoadBalancer(`${name}-lb`, {
                loadBalancerType: "application",
                subnets: args.loadBalancerSubnetIds,
                securityGroups: [lbSecurityGroup.id],
                dropInvalidHeaderFields: true,
                tags: args.tags,
            }, { parent: this });
            const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
                vpcId: args.vpcId,
                targetType: "ip",
                protocol: "HTTP",
                port,
                healthCheck: { path: args.healthCheckPath ?? "/healthz", matcher: "200-399" },
                tags: args.tags,
            }, { parent: this });
            const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
            const listener = https
                ? new aws.lb.Listener(`${name}-https`, {
                    loadBalancerArn: lb.arn,
                    port: HTTPS_PORT,
                    protocol: "HTTPS",
                    sslPolicy: TLS_POLICY,
                    certificateArn: args.certificateArn,
                    defaultActions: forward,
                }, { parent: this })
                : new aws.lb.Listener(`${name}-http`, {
                    loadBalancerArn: lb.arn,
                    port: HTTP_PORT,
                    protocol: "HTTP",
                    defaultActions: forward,
                }, { parent: this });
            if (https) {
                new aws.lb.Listener(`${name}-http-redirect`, {
                    loadBalancerArn: lb.arn,
                    port: HTTP_PORT,
                    protocol: "HTTP",
                    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: String(HTTPS_PORT), statusCode: "HTTP_301" } }],
                }, { parent: this });
            }
            loadBalancers = [{ targetGroupArn: targetGroup.arn, containerName: name, containerPort: port }];
            listenerDependency = [listener];
            this.url = pulumi.interpolate`${https ? "https" : "http"}://${lb.dnsName}`;
        }

        this.service = new aws.ecs.Service(`${name}-service`, {
            cluster: clusterArn,
            taskDefinition: this.taskDefinition.arn,
            desiredCount: args.desiredCount ?? 1,
            launchType: "FARGATE",
            networkConfiguration: { subnets: args.subnetIds, securityGroups: [taskSecurityGroup.id], assignPublicIp: false },
            loadBalancers,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            // Without it `up` returns as soon as UpdateService does: a release whose tasks never start
            // (a wrong-architecture image: "exec format error") is rolled back by the circuit breaker
            // while Pulumi reports success and records the new revision. With it the provider waits for
            // the service deployment and fails the update on ROLLBACK_SUCCESSFUL, STOPPED or
            // ROLLBACK_FAILED (terraform-provider-aws `internal/service/ecs/service.go`
            // resourceServiceUpdate -> waitServiceStable -> findDeploymentStatus), within its 20 minute
            // update timeout; the replaced task definition is then not deleted either.
            waitForSteadyState: true,
            tags: args.tags,
        }, { parent: this, dependsOn: listenerDependency });

        this.architecture = arch;
        this.clusterArn = clusterArn;
        this.registerOutputs({
            clusterArn: this.clusterArn,
            taskDefinitionArn: this.taskDefinition.arn,
            serviceName: this.service.name,
            architecture: arch,
            url: this.url,
        });
    }
}
