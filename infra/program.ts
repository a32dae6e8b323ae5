import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { dataProtection } from "../components/data-protection";
import { ServiceImage } from "../components/image";
import { MultiArchImage } from "../components/multi-arch-image";
import { Architecture, ComputeTarget } from "../components/platform";
import { ServiceRepository } from "../components/registry";
import { PrivateEndpoints } from "../components/vpc-endpoints";
import { ServiceSettings, StackSettings } from "./config";
import { TARGET_MODULES } from "./targets";
import { Deployment, StackContext, TargetModule } from "./targets/target-module";

/** What the stack exports per service. */
export interface ServiceOutput {
    target: ComputeTarget;
    /** The architecture the compute runs (for a workload of an index: the first it may run). */
    architecture: Architecture;
    /** Every architecture it may run on, when more than one (an EKS workload of an index). */
    architectures?: Architecture[];
    /** The image's platform(s), e.g. `linux/arm64` or `linux/arm64,linux/amd64`. */
    platform: string;
    imageUri: pulumi.Output<string>;
    /** Function ARN, service URL, load balancer URL or in-cluster DNS name. */
    endpoint: pulumi.Output<string>;
}

export interface StackOutputs {
    services: Record<string, ServiceOutput>;
    vpcId?: pulumi.Output<string>;
    eksClusterName?: pulumi.Output<string>;
    kubeconfig?: pulumi.Output<string>;
}

/**
 * The polyarch stack: one ECR repository and one image per service (an index when it lists several
 * architectures), then each service's compute, deployed by its target's module (infra/targets/),
 * each deriving its architecture from that image.
 */
export function buildStack(settings: StackSettings, secretEnvironment = false): StackOutputs {
    const tags = { "polyarch:stack": settings.stack, "polyarch:profile": settings.profile, ...settings.tags };
    // Made on first use: a stack of Lambda and App Runner services needs no VPC.
    let vpc: awsx.ec2.Vpc | undefined;
    const network = (): awsx.ec2.Vpc => {
        if (vpc !== undefined) {
            return vpc;
        }
        vpc = new awsx.ec2.Vpc("network", {
            cidrBlock: settings.network.cidrBlock,
            numberOfAvailabilityZones: settings.network.availabilityZones,
            natGateways: { strategy: settings.network.natGateways },
            enableDnsHostnames: true,
            tags,
        });
        if (settings.network.vpcEndpoints) {
            const created = vpc;
            new PrivateEndpoints("network", {
                vpcId: created.vpcId,
                vpcCidrBlock: settings.network.cidrBlock,
                subnetIds: created.privateSubnetIds,
                routeTableIds: pulumi.output(created.routeTables).apply((tables) => pulumi.all((tables ?? []).map((t) => t.id))),
                forEksNodes: settings.services.some((s) => s.target === "eks"),
                tags,
            });
        }
        return vpc;
    };

    const ecrKey = settings.registry.customerManagedKey ? new aws.kms.Key("ecr-key", {
        description: `polyarch ${settings.stack} ECR image encryption`,
        enableKeyRotation: true,
        deletionWindowInDays: settings.eks.kmsDeletionWindowDays,
        tags,
    }, dataProtection(settings.protectData)) : undefined;

    const deployments: Deployment[] = settings.services.map((service) => {
        const module = TARGET_MODULES[service.target] as TargetModule<ComputeTarget>;
        const repository = new ServiceRepository(service.name, {
            repositoryName: `polyarch-${settings.stack}/${service.name}`,
            immutableTags: settings.registry.immutableTags,
            forceDelete: settings.registry.forceDelete,
            keepReleases: settings.registry.keepReleases,
            kmsKeyArn: ecrKey?.arn,
            allowLambdaPull: module.runsOnLambda === true,
            protectData: settings.protectData,
            tags,
        });
        const build = {
            repository,
            context: service.contextPath,
            dockerfile: service.dockerfilePath,
            // A deployed digest must outlive the image resource (a rollback pins it).
            retainOnDelete: settings.protectData,
        };
        const image = service.architectures.length > 1
            ? new MultiArchImage(service.name, { ...build, architectures: service.architectures, builders: settings.builders, builder: settings.builder })
            : new ServiceImage(service.name, {
                ...build,
                architecture: service.architecture,
                forLambda: module.runsOnLambda === true,
                builder: settings.builders[service.architecture] ?? settings.builder,
            });
        return { service, repository, image };
    });

    const outputs: StackOutputs = { services: {} };
    const shared = new Map<string, unknown>();
    const ctx: StackContext = {
        settings,
        tags,
        network,
        environmentOf: (service: ServiceSettings) => Object.fromEntries(Object.entries(service.env ?? {}).map(([key, value]) =>
            [key, secretEnvironment ? pulumi.secret(value) : value])),
        shared<R>(key: string, make: () => R): R {
            if (!shared.has(key)) {
                shared.set(key, make());
            }
            return shared.get(key) as R;
        },
        record({ service, image }, endpoint, runs) {
            outputs.services[service.name] = {
                target: service.target,
                architecture: runs.architecture,
                ...(runs.architectures && runs.architectures.length > 1 ? { architectures: [...runs.architectures] } : {}),
                platform: image.platform,
                imageUri: image.imageUri,
                endpoint,
            };
        },
        exportValue(key, value) {
            outputs[key] = value;
        },
    };

    // Entries in the order the stack lists them; then the targets whose entries need each other.
    for (const deployment of deployments) {
        (TARGET_MODULES[deployment.service.target] as TargetModule<ComputeTarget>).deploy?.(deployment, ctx);
    }
    for (const module of Object.values(TARGET_MODULES) as TargetModule<ComputeTarget>[]) {
        const mine = deployments.filter((d) => d.service.target === module.target);
        if (module.deployAll !== undefined && mine.length > 0) {
            module.deployAll(mine, ctx);
        }
    }
    outputs.vpcId = vpc?.vpcId;
    return outputs;
}
