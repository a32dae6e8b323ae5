import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { refuse } from "./errors";
import { assumeRolePolicy } from "./iam";
import {
    ARCHITECTURES, Architecture, DEFAULT_INSTANCE_TYPES, describeChoices, instanceTypeProblem, isArchitecture, lambdaArchitecture,
} from "./platform";

const TYPE = "polyarch:compute:LambdaCapacityProvider";

/** The AWS managed policy the Lambda guide names for a capacity provider's operator role ("Lambda operator role for Lambda Managed Instances"). */
export const LAMBDA_OPERATOR_POLICY = "AWSLambdaManagedEC2ResourceOperator";

/** What a function needs to know about the capacity provider it is attached to. */
export interface CapacityProviderReference {
    readonly arn: pulumi.Input<string>;
    /** The provider's `instanceRequirements.architectures`, in the catalog's spelling. */
    readonly architectures: readonly Architecture[];
    /** Its allowed instance types, when it lists them. */
    readonly instanceTypes?: readonly string[];
}

export interface LambdaCapacityProviderArgs {
    /** The one architecture its instances (and so every function on it) run. */
    architecture: Architecture;
    /** Allowed EC2 instance types, all of `architecture`. Default the catalog's types for it. */
    instanceTypes?: string[];
    /** Subnets the instances run in. */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Security groups of the instances. */
    securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Tags for every resource. */
    tags?: Record<string, pulumi.Input<string>>;
}

/**
 * A Lambda Managed Instances capacity provider whose `instanceRequirements.architectures` and
 * allowed instance types agree (from the catalog), with the operator role Lambda assumes to run
 * the instances. Pass it to `LambdaService`'s `capacityProvider`, which refuses a function whose
 * image is of the other architecture.
 */
export class LambdaCapacityProvider extends pulumi.ComponentResource implements CapacityProviderReference {
    public readonly capacityProvider: aws.lambda.CapacityProvider;
    public readonly arn: pulumi.Output<string>;
    public readonly architectures: readonly Architecture[];
    public readonly instanceTypes: readonly string[];

    constructor(name: string, args: LambdaCapacityProviderArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!isArchitecture(args.architecture)) {
            throw refuse(TYPE, name, "architecture", `got '${String(args.architecture)}'; use ${describeChoices(ARCHITECTURES)}`);
        }
        const instanceTypes = args.instanceTypes ?? [...DEFAULT_INSTANCE_TYPES[args.architecture]];
        instanceTypes.forEach((type, index) => {
            const problem = instanceTypeProblem(type, args.architecture, "this capacity provider");
            if (problem !== undefined) {
                throw refuse(TYPE, name, `instanceTypes[${index}]`, problem);
            }
        });
        super(TYPE, name, {}, opts);

        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const operatorRole = new aws.iam.Role(`${name}-operator-role`, {
            assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });
        const operatorPolicy = new aws.iam.RolePolicyAttachment(`${name}-operator`, {
            role: operatorRole.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${LAMBDA_OPERATOR_POLICY}`,
        }, { parent: this });

        this.capacityProvider = new aws.lambda.CapacityProvider(`${name}-provider`, {
            instanceRequirements: [allowOnly(lambdaArchitecture(args.architecture), instanceTypes)],
            permissionsConfig: { capacityProviderOperatorRoleArn: operatorRole.arn },
            vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds },
            tags: args.tags,
        }, { parent: this, dependsOn: [operatorPolicy] });

        this.arn = this.capacityProvider.arn;
        this.architectures = [args.architecture];
        this.instanceTypes = instanceTypes;
        this.registerOutputs({ arn: this.arn, architectures: this.architectures, instanceTypes });
    }
}

/**
 * Instance requirements that list the allowed instance types and leave the excluded ones unset:
 * the API takes one list or the other ("You can specify only one of `allowedInstanceTypes` or
 * `excludedInstanceTypes`", @pulumi/aws 7.48 CapacityProviderInstanceRequirement), and an empty
 * exclude list is not "unset". terraform-provider-aws declares `instance_requirements` as a list of
 * plain objects (lambda/capacity_provider.go, framework.ResourceOptionalComputedListOfObjectsAttribute),
 * hence every attribute is required in the generated type, with no conflict between the two; its
 * Create/Update pass the whole model through AutoFlex, which expands a known empty list to a non-nil
 * empty slice (internal/framework/flex/auto_expand.go listOrSetOfString, reflect.MakeSlice) that the
 * SDK sends as `"ExcludedInstanceTypes": []`. A key left out reaches the provider as null
 * (pulumi-terraform-bridge convert/object.go objectEncoder.fromPropertyValue), which AutoFlex skips.
 */
function allowOnly(architecture: string, allowedInstanceTypes: string[]): aws.types.input.lambda.CapacityProviderInstanceRequirement {
    const requirement: Omit<aws.types.input.lambda.CapacityProviderInstanceRequirement, "excludedInstanceTypes"> = {
        architectures: [architecture],
        allowedInstanceTypes,
    };
    return requirement as aws.types.input.lambda.CapacityProviderInstanceRequirement;
}
