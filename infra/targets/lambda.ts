import * as aws from "@pulumi/aws";
import { LAMBDA_DEFAULT_TIMEOUT_SECONDS, LAMBDA_LIMITS, LAMBDA_MANAGED_INSTANCES_LIMITS, LambdaService } from "../../components/lambda";
import { LambdaCapacityProvider } from "../../components/lambda-capacity-provider";
import { instanceTypeProblem } from "../../components/platform";
import { ConfigError } from "../config-error";
import { schema } from "./lambda-schema";
import { TargetModule } from "./target-module";

/** Container-image Lambda functions, optionally on a Lambda Managed Instances capacity provider. */
export const lambdaTarget: TargetModule<"lambda"> = {
    target: "lambda",
    schema,
    runsOnLambda: true,
    check(service, at) {
        // The schema admits the larger of the two ranges; each kind of function is held to its own.
        if (service.memory !== undefined && service.capacityProvider === undefined && service.memory > LAMBDA_LIMITS.maxMemoryMb) {
            throw new ConfigError(at("memory"), `got ${service.memory}; must be <= ${LAMBDA_LIMITS.maxMemoryMb}`);
        }
        if (service.memory !== undefined && service.capacityProvider !== undefined && service.memory < LAMBDA_MANAGED_INSTANCES_LIMITS.minMemoryMb) {
            throw new ConfigError(at("memory"), `got ${service.memory}; a function on a capacityProvider (Lambda Managed Instances) ` +
                `needs at least ${LAMBDA_MANAGED_INSTANCES_LIMITS.minMemoryMb} MB, AWS's minimum function size (2 GB and 1 vCPU); ` +
                `set memory to ${LAMBDA_MANAGED_INSTANCES_LIMITS.minMemoryMb} or more (the default there), or drop capacityProvider`);
        }
        const timeoutMs = (service.timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS) * 1000;
        if (service.usage?.averageDurationMs !== undefined && service.usage.averageDurationMs > timeoutMs) {
            throw new ConfigError(at("usage.averageDurationMs"), `got ${service.usage.averageDurationMs}; an invocation ends at the ` +
                `function's timeout (${timeoutMs} ms), so its average cannot be longer; lower it or raise timeout`);
        }
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
        // On a capacity provider only published versions run: callers invoke the qualified ARN.
        ctx.record({ service, image }, fn.invocationArn, { architecture: fn.architecture });
    },
};
