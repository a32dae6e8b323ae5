import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppRunnerService } from "../components/apprunner";
import { dataProtection } from "../components/data-protection";
import { EcsService } from "../components/ecs";
import { EksCluster } from "../components/eks-cluster";
import { ServiceImage } from "../components/image";
import { LambdaService } from "../components/lambda";
import { NodeGroup } from "../components/node-group";
import { Architecture, ComputeTarget, defaultArchitecture } from "../components/platform";
import { ServiceRepository } from "../components/registry";
import { PrivateEndpoints } from "../components/vpc-endpoints";
import { Workload } from "../components/workload";
import { ServiceSettings, StackSettings } from "./config";

/** What the stack exports per service. */
export interface ServiceOutput {
    target: ComputeTarget;
    architecture: Architecture;
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
 * The polyarch stack: one ECR repository and one single-platform image per service, and the compute
 * its target needs, each deriving its architecture from that image.
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

    const environmentOf = (service: ServiceSettings): Record<string, pulumi.Input<string>> =>
        Object.fromEntries(Object.entries(service.env ?? {}).map(([key, value]) =>
            [key, secretEnvironment ? pulumi.secret(value) : value]));

    const deployments = settings.services.map((service) => {
        const repository = new ServiceRepository(service.name, {
            repositoryName: `polyarch-${settings.stack}/${service.name}`,
            immutableTags: settings.registry.immutableTags,
            forceDelete: settings.registry.forceDelete,
            keepReleases: settings.registry.keepReleases,
            kmsKeyArn: ecrKey?.arn,
            allowLambdaPull: service.target === "lambda",
            protectData: settings.protectData,
            tags,
        });
        const image = new ServiceImage(service.name, {
            repository,
            context: service.contextPath,
            dockerfile: service.dockerfilePath,
            architecture: service.architecture,
            forLambda: service.target === "lambda",
            builder: settings.builder,
            // A deployed digest must outlive the image resource (a rollback pins it).
            retainOnDelete: settings.protectData,
        });
        return { service, repository, image };
    });

    const outputs: StackOutputs = { services: {} };
    const record = (service: ServiceSettings, image: ServiceImage, endpoint: pulumi.Output<string>) => {
        outputs.services[service.name] = {
            target: service.target,
            architecture: image.architecture,
            platform: image.platform,
            imageUri: image.imageUri,
            endpoint,
        };
    };

    let ecsCluster: aws.ecs.Cluster | undefined;
    for (const { service, repository, image } of deployments) {
        switch (service.target) {
            case "lambda": {
                const fn = new LambdaService(service.name, {
                    image,
                    memorySize: service.memory,
                    timeout: service.timeout,
                    reservedConcurrency: service.reservedConcurrency,
                    tracing: service.tracing,
                    environment: environmentOf(service),
                    logRetentionDays: settings.logRetentionDays,
                    tags,
                    // Lambda checks at create time that it may pull: wait for the repository policy.
                    pullPermission: [repository],
                });
                record(service, image, fn.functionArn);
                break;
            }
            case "apprunner": {
                const app = new AppRunnerService(service.name, {
                    image,
                    cpu: service.cpu,
                    memory: service.memory,
                    port: service.port,
                    healthCheckPath: service.healthPath,
                    environment: environmentOf(service),
                    tags,
                });
                record(service, image, app.serviceUrl);
                break;
            }
            case "ecs": {
                ecsCluster ??= new aws.ecs.Cluster("ecs", {
                    settings: [{ name: "containerInsights", value: "enabled" }],
                    tags,
                });
                const ecs = new EcsService(service.name, {
                    image,
                    vpcId: network().vpcId,
                    subnetIds: network().privateSubnetIds,
                    loadBalancerSubnetIds: service.public ? network().publicSubnetIds : undefined,
                    clusterArn: ecsCluster.arn,
                    cpu: service.cpu,
                    memory: service.memory,
                    port: service.port,
                    desiredCount: service.desiredCount,
                    certificateArn: service.certificateArn,
                    requireHttps: settings.requireHttps,
                    healthCheckPath: service.healthPath,
                    environment: environmentOf(service),
                    logRetentionDays: settings.logRetentionDays,
                    tags,
                });
                record(service, image, ecs.url ?? ecs.service.name);
                break;
            }
            case "eks":
                break; // below, once the cluster exists
        }
    }

    type EksDeployment = { service: Extract<ServiceSettings, { target: "eks" }>; repository: ServiceRepository; image: ServiceImage };
    const eksServices = deployments.filter((d): d is EksDeployment => d.service.target === "eks");
    if (eksServices.length > 0) {
        const cluster = new EksCluster("eks", {
            subnetIds: network().privateSubnetIds,
            version: settings.eks.version,
            endpointPrivateAccess: true,
            endpointPublicAccess: settings.eks.endpointPublicAccess,
            publicAccessCidrs: settings.eks.publicAccessCidrs,
            encryptSecrets: settings.eks.encryptSecrets,
            kmsDeletionWindowDays: settings.eks.kmsDeletionWindowDays,
            enabledLogTypes: settings.eks.logTypes,
            logRetentionDays: settings.logRetentionDays,
            accessEntries: settings.eks.accessEntries,
            protectData: settings.protectData,
            tags,
        });
        // Always a group of EKS's default architecture (Graviton); a second group only when some
        // eks service asks for the other architecture.
        const primary = defaultArchitecture("eks");
        const architectures = [...new Set<Architecture>([primary, ...eksServices.map(({ image }) => image.architecture)])];
        const nodeGroups = architectures.map((arch) => new NodeGroup(arch === primary ? "graviton" : "x86", {
            clusterName: cluster.clusterName,
            architecture: arch,
            subnetIds: network().privateSubnetIds,
            instanceTypes: arch === primary ? settings.eks.instanceTypes : settings.eks.x86InstanceTypes,
            os: settings.eks.os,
            scaling: settings.eks.scaling,
            capacityType: settings.eks.capacityType,
            tags,
        }));
        const provider = new k8s.Provider("eks", { kubeconfig: cluster.kubeconfig, enableServerSideApply: true });
        for (const { service, image } of eksServices) {
            const workload = new Workload(service.name, {
                image,
                nodeArchitectures: architectures,
                replicas: service.replicas,
                port: service.port,
                cpu: service.cpu,
                memoryMiB: service.memory,
                healthCheckPath: service.healthPath,
                environment: environmentOf(service),
            }, { provider, dependsOn: nodeGroups });
            record(service, image, workload.endpoint);
        }
        outputs.eksClusterName = cluster.clusterName;
        outputs.kubeconfig = cluster.kubeconfig;
    }
    outputs.vpcId = vpc?.vpcId;
    return outputs;
}
