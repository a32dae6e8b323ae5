import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { architectureForTarget } from "./compute-architecture";
import { refuse, requirePort } from "./errors";
import { assumeRolePolicy, ecrPullStatements, logWriteStatement, policyDocument } from "./iam";
import { ImageReference } from "./image-reference";
import { Architecture, ecsCpuArchitecture, runtimeEnvironment } from "./platform";

const TYPE = "polyarch:compute:EcsService";

/** Fargate task sizes: CPU units and the memory range (MB) each allows. */
export const FARGATE_SIZES: Readonly<Record<number, { minMemory: number; maxMemory: number }>> = {
    256: { minMemory: 512, maxMemory: 2048 },
    512: { minMemory: 1024, maxMemory: 4096 },
    1024: { minMemory: 2048, maxMemory: 8192 },
    2048: { minMemory: 4096, maxMemory: 16384 },
    4096: { minMemory: 8192, maxMemory: 30720 },
    8192: { minMemory: 16384, maxMemory: 61440 },
    16384: { minMemory: 32768, maxMemory: 122880 },
};

export interface EcsServiceArgs {
    /** Image to run; the task's `runtimePlatform.cpuArchitecture` is derived from it. */
    image: ImageReference;
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
    /** Task memory MB, within what the CPU size allows. Default the smallest the CPU size allows (512 for 256). */
    memory?: number;
    /** Container port. Default 8080. */
    port?: number;
    /** Running tasks. Default 1. */
    desiredCount?: number;
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
    /** `http://<load balancer DNS>` when a load balancer was made. */
    public readonly url?: pulumi.Output<string>;

    constructor(name: string, args: EcsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const arch = architectureForTarget(TYPE, name, "ecs", args.image);
        const cpu = args.cpu ?? 256;
        const port = args.port ?? 8080;
        const size = FARGATE_SIZES[cpu];
        if (size === undefined) {
            throw refuse(TYPE, name, "cpu", `got ${cpu}; Fargate allows ${Object.keys(FARGATE_SIZES).join(", ")} CPU units`);
        }
        // The smallest memory this CPU size allows, so choosing only cpu is always a valid task.
        const memory = args.memory ?? size.minMemory;
        if (!Number.isInteger(memory) || memory < size.minMemory || memory > size.maxMemory) {
            throw refuse(TYPE, name, "memory",
                `got ${memory}; with cpu ${cpu} Fargate allows ${size.minMemory} to ${size.maxMemory} MB`);
        }
        requirePort(TYPE, name, port);
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
        const executionRole = new aws.iam.Role(`${name}-execution-role`, {
            assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-execution`, {
            role: executionRole.id,
            policy: policyDocument([...ecrPullStatements(args.image.repositoryArn), logWriteStatement(logGroup.arn)]),
        }, { parent: this });
        const taskRole = new aws.iam.Role(`${name}-task-role`, {
            assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });

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
            const lbSecurityGroup = new aws.ec2.SecurityGroup(`${name}-lb`, {
                vpcId: args.vpcId,
                description: `${name} load balancer`,
                ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }],
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
            const listener = new aws.lb.Listener(`${name}-http`, {
                loadBalancerArn: lb.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            }, { parent: this });
            loadBalancers = [{ targetGroupArn: targetGroup.arn, containerName: name, containerPort: port }];
            listenerDependency = [listener];
            this.url = pulumi.interpolate`http://${lb.dnsName}`;
        }

        this.service = new aws.ecs.Service(`${name}-service`, {
            cluster: clusterArn,
            taskDefinition: this.taskDefinition.arn,
            desiredCount: args.desiredCount ?? 1,
            launchType: "FARGATE",
            networkConfiguration: { subnets: args.subnetIds, securityGroups: [taskSecurityGroup.id], assignPublicIp: false },
            loadBalancers,
            deploymentCircuitBreaker: { enable: true, rollback: true },
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
