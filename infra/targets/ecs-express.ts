import * as aws from "@pulumi/aws";
import { EXPRESS_TASK_SIZES } from "@polyarch/platform";
import { EXPRESS_DEFAULT_PORT, EcsExpressService } from "../../components/ecs-express";
import { expressRunArchitecture } from "../../components/platform";
import { ConfigError } from "../config-error";
import { checkSize } from "./sizes";
import { schema } from "./ecs-express-schema";
import { TargetModule } from "./target-module";

/**
 * ECS Express Mode: App Runner's successor for new accounts. It has no architecture input; ECS runs
 * what the image is built for (the catalog's ECS_EXPRESS), so the architecture is the image's.
 */
export const ecsExpressTarget: TargetModule<"ecs-express"> = {
    target: "ecs-express",
    schema,
    // Not a choice: ECS decides from the image (declared X86_64 when the image has it, else detected).
    runsArchitecture: (architectures) => expressRunArchitecture(architectures),
    check(service, at) {
        checkSize(EXPRESS_TASK_SIZES, "ECS Express Mode", 256, service, at);
        if (service.scaling !== undefined && service.scaling.min > service.scaling.max) {
            throw new ConfigError(at("scaling"), `got min ${service.scaling.min}, max ${service.scaling.max}; need min <= max`);
        }
    },
    deploy({ service, image }, ctx) {
        const network = ctx.network();
        const port = service.port ?? EXPRESS_DEFAULT_PORT;
        // Express creates and owns its load balancer's security group (DescribeExpressGatewayService
        // reports it as ManagedLoadBalancer.securityGroupIds only once the service exists), so it
        // cannot be referenced here; the load balancer's nodes sit in the service's subnets, inside
        // the stack VPC, and the VPC's CIDR is the narrowest source that admits them.
        const tasks = ctx.shared(`ecs-express-tasks-${port}`, () => new aws.ec2.SecurityGroup(`ecs-express-tasks-${port}`, {
            vpcId: network.vpcId,
            description: `ECS Express Mode tasks: port ${port} from the VPC (the Express load balancer), all outbound`,
            ingress: [{ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [ctx.settings.network.cidrBlock], description: "Express load balancer" }],
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "ECR, CloudWatch Logs and AWS APIs" }],
            tags: ctx.tags,
        }));
        const express = new EcsExpressService(service.name, {
            image,
            cpu: service.cpu,
            memory: service.memory,
            port,
            healthCheckPath: service.healthPath,
            scaling: service.scaling && { minTasks: service.scaling.min, maxTasks: service.scaling.max },
            // Express has no scheme input: the subnets decide. The ECS model gives only
            // ManagedLoadBalancer.scheme ("By default ... internet-facing") and an ingress path's
            // accessType PUBLIC or PRIVATE; AWS's guide does not state the rule, and Classmethod's
            // tests of Express (dev.classmethod.jp ecs-express-mode-alb-creation-timing,
            // ecs-express-mode-public-subnet-less) show an internal load balancer for private
            // subnets and separate load balancers for public and private ones. Public by default,
            // as the service was in the default VPC (all of whose subnets are public); the config
            // requires two or more Availability Zones, so each list has at least two subnets.
            network: {
                subnetIds: service.public === false ? network.privateSubnetIds : network.publicSubnetIds,
                securityGroupIds: [tasks.id],
            },
            environment: ctx.environmentOf(service),
            logRetentionDays: ctx.settings.logRetentionDays,
            tags: ctx.tags,
        });
        ctx.record({ service, image }, express.url, { architecture: express.architecture });
    },
};
