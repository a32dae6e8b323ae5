import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { architectureForTarget } from "./compute-architecture";
import { refuse } from "./errors";
import { XRAY_WRITE_STATEMENT, assumeRolePolicy, logWriteStatement, policyDocument } from "./iam";
import { ImageReference } from "./image-reference";
import { CapacityProviderReference } from "./lambda-capacity-provider";
import { Architecture, RUNTIME_DEFAULTS, dockerPlatform, instanceTypeArchitecture, lambdaArchitecture, runtimeEnvironment } from "./platform";

const TYPE = "polyarch:compute:LambdaService";

/** Lambda's own limits (MB and seconds). */
export const LAMBDA_LIMITS = { minMemoryMb: 128, maxMemoryMb: 10240, minTimeoutSeconds: 1, maxTimeoutSeconds: 900 } as const;

/** The timeout (seconds) a LambdaService gets when its args set none. */
export const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * Memory (MB) of a function on a capacity provider (Lambda Managed Instances). The minimum is AWS's
 * ("The minimum supported function size is 2GB and 1 vCPU", Best practices for Lambda Managed
 * Instances); the maximum is the Lambda API model's `MemorySize` shape (`"max": 32768`, botocore
 * data/lambda/2015-03-31/service-2.json: @aws-sdk/client-lambda keeps no range traits), which the AWS
 * provider accepts since terraform-provider-aws PR #46065 (function.go `memory_size`, "128 MB to
 * 32,768 MB" in @pulumi/aws 7.48's Function docs). Classic Lambda stays within {@link LAMBDA_LIMITS}.
 */
export const LAMBDA_MANAGED_INSTANCES_LIMITS = { minMemoryMb: 2048, maxMemoryMb: 32768 } as const;

export interface LambdaServiceArgs {
    /** Image to run; its architecture decides the function's. Must be a single-manifest image. */
    image: ImageReference;
    /**
     * MB of memory: 128–10240, default per architecture from the catalog; on a `capacityProvider`
     * 2048–32768, default 2048 (the Managed Instances minimum, above the catalog's default).
     */
    memorySize?: number;
    /** Seconds before the invocation is stopped (1–900). Default 30. */
    timeout?: number;
    /** Environment variables, merged over the per-architecture runtime settings. */
    environment?: Record<string, pulumi.Input<string>>;
    /** Active X-Ray tracing. Default true. */
    tracing?: boolean;
    /** Days to keep logs. Default 14. */
    logRetentionDays?: number;
    /** Reserved concurrency; unset leaves the account pool. */
    reservedConcurrency?: number;
    /** Tags for every resource. */
    tags?: Record<string, pulumi.Input<string>>;
    /**
     * What must exist before Lambda can pull the image (the repository policy granting it, e.g. the
     * `ServiceRepository`): CreateFunction checks the permission at once and fails without it.
     * Passed to the function itself, since a component's own `dependsOn` does not reach its children.
     */
    pullPermission?: pulumi.Input<pulumi.Resource>[];
    /**
     * Run on Lambda Managed Instances: a `LambdaCapacityProvider` (or any provider's ARN with its
     * declared architectures and instance types). Its architectures and the families of its
     * instance types must include the image's architecture; anything else is refused here. The
     * function is then published on every change (instances run published versions only), and
     * `invocationArn` is the published version's ARN.
     */
    capacityProvider?: CapacityProviderReference;
}

/**
 * A container-image Lambda function whose `architectures` is derived from its image, with a role
 * that can only write its own log group (and X-Ray when tracing), and a log group with retention.
 */
export class LambdaService extends pulumi.ComponentResource {
    public readonly function: aws.lambda.Function;
    public readonly functionArn: pulumi.Output<string>;
    /**
     * What callers invoke: the function's ARN, or on a capacity provider the published version's
     * (`qualifiedArn`), since only published versions run on Managed Instances.
     */
    public readonly invocationArn: pulumi.Output<string>;
    public readonly functionName: pulumi.Output<string>;
    public readonly architecture: Architecture;
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: LambdaServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const arch = architectureForTarget(TYPE, name, "lambda", args.image);
        const managed = args.capacityProvider !== undefined;
        // The catalog's default (1024 MB) is below the Managed Instances minimum: such a function
        // gets the minimum instead, never a size AWS refuses.
        const memorySize = args.memorySize ?? (managed
            ? Math.max(RUNTIME_DEFAULTS[arch].lambdaMemoryMb, LAMBDA_MANAGED_INSTANCES_LIMITS.minMemoryMb)
            : RUNTIME_DEFAULTS[arch].lambdaMemoryMb);
        const timeout = args.timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS;
        checkMemory(name, memorySize, managed);
        checkRange(name, "timeout", timeout, LAMBDA_LIMITS.minTimeoutSeconds, LAMBDA_LIMITS.maxTimeoutSeconds, "seconds");
        checkCapacityProvider(name, arch, args.capacityProvider);
        super(TYPE, name, {}, opts);

        const tracing = args.tracing ?? true;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            retentionInDays: args.logRetentionDays ?? 14,
            tags: args.tags,
        }, { parent: this });

        const role = new aws.iam.Role(`${name}-role`, {
            assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });
        const rolePolicy = new aws.iam.RolePolicy(`${name}-execution`, {
            role: role.id,
            policy: policyDocument([logWriteStatement(logGroup.arn), ...(tracing ? [XRAY_WRITE_STATEMENT] : [])]),
        }, { parent: this });

        // Lambda provisions roughly one vCPU per 1769 MB; workers scale with it.
        const vcpus = memorySize / 1769;
        this.function = new aws.lambda.Function(`${name}-fn`, {
            packageType: "Image",
            imageUri: args.image.imageUri,
            architectures: [lambdaArchitecture(arch)],
            role: role.arn,
            memorySize,
            timeout,
            reservedConcurrentExecutions: args.reservedConcurrency,
            environment: { variables: { ...runtimeEnvironment(arch, vcpus), ...args.environment } },
            tracingConfig: { mode: tracing ? "Active" : "PassThrough" },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            capacityProviderConfig: args.capacityProvider
                ? { lambdaManagedInstancesCapacityProviderConfig: { capacityProviderArn: args.capacityProvider.arn } }
                : undefined,
            // Managed Instances launch only for a published version, and an unqualified invoke goes
            // to $LATEST.PUBLISHED: unpublished, the function never runs. terraform-provider-aws
            // internal/service/lambda/function.go passes `publish` and `publish_to` to CreateFunction
            // (resourceFunctionCreate), and resourceFunctionUpdate calls PublishVersion (with
            // PublishTo) whenever `publish` is set and the code (needsFunctionCodeUpdate: image_uri,
            // architectures) or configuration changed, so every new image is published too; the
            // provider's own Capacity Provider example and acceptance tests set both.
            publish: managed ? true : undefined,
            publishTo: managed ? "LATEST_PUBLISHED" : undefined,
            tags: args.tags,
        }, { parent: this, dependsOn: [rolePolicy, ...(args.pullPermission ?? [])] });

        this.architecture = arch;
        this.functionArn = this.function.arn;
        // qualified_arn is the newest version in ListVersionsByFunction (function.go
        // resourceFunctionRead/findLatestFunctionVersionByName), `…:$LATEST` until one is published;
        // a change that publishes makes it unknown in the preview (updateComputedAttributesOnPublish).
        this.invocationArn = managed ? this.function.qualifiedArn : this.function.arn;
        this.functionName = this.function.name;
        this.roleArn = role.arn;
        this.registerOutputs({
            functionArn: this.functionArn,
            invocationArn: this.invocationArn,
            functionName: this.functionName,
            architecture: this.architecture,
        });
    }
}

/** A function on a capacity provider runs on its instances: they must be of the image's architecture. */
function checkCapacityProvider(name: string, arch: Architecture, provider: CapacityProviderReference | undefined): void {
    if (provider === undefined) {
        return;
    }
    if (!provider.architectures.includes(arch)) {
        throw refuse(TYPE, name, "capacityProvider", `its instances are ${provider.architectures.join(", ") || "of no architecture"} ` +
            `but the image is ${arch} (${dockerPlatform(arch)}); attach a ${arch} capacity provider or rebuild the image`);
    }
    const wrong = (provider.instanceTypes ?? []).filter((type) => instanceTypeArchitecture(type) !== undefined && instanceTypeArchitecture(type) !== arch);
    if (wrong.length > 0) {
        throw refuse(TYPE, name, "capacityProvider.instanceTypes", `${wrong.join(", ")} cannot run the ${arch} image; allow ${arch} instance types only`);
    }
}

/** Classic Lambda's memory range, or on a capacity provider the Managed Instances one. */
function checkMemory(name: string, memorySize: number, managed: boolean): void {
    if (!managed) {
        checkRange(name, "memorySize", memorySize, LAMBDA_LIMITS.minMemoryMb, LAMBDA_LIMITS.maxMemoryMb, "MB");
        return;
    }
    const { minMemoryMb, maxMemoryMb } = LAMBDA_MANAGED_INSTANCES_LIMITS;
    if (!Number.isInteger(memorySize) || memorySize < minMemoryMb || memorySize > maxMemoryMb) {
        throw refuse(TYPE, name, "memorySize", `got ${String(memorySize)}; a function on a capacity provider (Lambda Managed ` +
            `Instances) needs whole MB from ${minMemoryMb} (AWS's minimum function size, 2 GB and 1 vCPU) to ${maxMemoryMb}; ` +
            `set memorySize in that range or drop capacityProvider`);
    }
}

function checkRange(name: string, input: string, value: number, min: number, max: number, unit: string): void {
    if (!Number.isInteger(value) || value < min || value > max) {
        throw refuse(TYPE, name, input, `got ${String(value)}; Lambda allows whole ${unit} from ${min} to ${max}`);
    }
}
