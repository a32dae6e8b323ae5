import * as aws from "@pulumi/aws";
import { z } from "zod";
import { LAMBDA_LIMITS, LambdaService } from "../../components/lambda";
import { LambdaCapacityProvider } from "../../components/lambda-capacity-provider";
import { instanceTypeProblem } from "../../components/platform";
import { ConfigError } from "../config-error";
import { commonServiceKeys } from "./service-schema";
import { TargetModule } from "./target-module";

export const schema = z.object({
    ...commonServiceKeys,
    target: z.literal("lambda"),
    memory: z.number().int().min(LAMBDA_LIMITS.minMemoryMb).max(LAMBDA_LIMITS.maxMemoryMb).optional(),
    timeout: z.number().int().min(LAMBDA_LIMITS.minTimeoutSeconds).max(LAMBDA_LIMITS.maxTimeoutSeconds).optional(),
    reservedConcurrency: z.number().int().min(0).optional(),
    tracing: z.boolean().optional(),
    /**
     * Run on Lambda Managed Instances: a capacity provider of the service's architecture in the
     * stack's private subnets, with these instance types (default the catalog's for the architecture).
     */
    capacityProvider: z.object({ instanceTypes: z.array(z.string()).min(1).optional() }).strict().optional(),
}).strict();

/** Container-image Lambda functions, optionally on a Lambda Managed Instances capacity provider. */
export const lambdaTarget: TargetModule<"lambda"> = {
    target: "lambda",
    schema,
    runsOnLambda: true,
    check(service, at) {
        (service.capacityProvider?.instanceTypes ?? []).forEach((type, index) => {
            const problem = instanceTypeProblem(type, service.architecture, "the service");
            if (problem !== undefined) {
                throw new ConfigError(at(`capacityProvider.instanceTypes[${index}]`), problem);
            }
        });
    },
    deploy({ service, repository, image }, ctx) {
        const capacityProvider = service.capacityProvider === undefined ? undefined : new LambdaCapacityProvider(`${service.name}-capacity`, {
            architecture: service.architecture,
            instanceTypes: service.capacityProvider.instanceTypes,
            subnetIds: ctx.network().privateSubnetIds,
            securityGroupIds: [ctx.shared("lambda-instances-sg", () => new aws.ec2.SecurityGroup("lambda-instances", {
                vpcId: ctx.network().vpcId,
                description: "Lambda Managed Instances: outbound only (invocations arrive through Lambda, not the network)",
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "ECR, Lambda and AWS APIs" }],
                tags: ctx.tags,
            })).id],
            tags: ctx.tags,
        });
        const fn = new LambdaService(service.name, {
            image,
            memorySize: service.memory,
            timeout: service.timeout,
            reservedConcurrency: service.reservedConcurrency,
            tracing: service.tracing,
            environment: ctx.environmentOf(service),
            logRetentionDays: ctx.settings.logRetentionDays,
            tags: ctx.tags,
            capacityProvider,
            // Lambda checks at create time that it may pull: wait for the repository policy.
            pullPermission: [repository],
        });
        ctx.record({ service, image }, fn.functionArn, { architecture: fn.architecture });
    },
};
