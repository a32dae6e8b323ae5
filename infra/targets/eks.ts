import * as k8s from "@pulumi/kubernetes";
import { EksCluster } from "../../components/eks-cluster";
import { NodeGroup } from "../../components/node-group";
import { Architecture, defaultArchitecture } from "../../components/platform";
import { Workload } from "../../components/workload";
import { schema } from "./eks-schema";
import { TargetModule } from "./target-module";

/**
 * Kubernetes workloads on one EKS cluster per stack: a node group of EKS's default architecture
 * (Graviton) always, and one of the other architecture when some service's image covers it; a
 * workload of an index may run on every node group the index covers.
 */
export const eksTarget: TargetModule<"eks"> = {
    target: "eks",
    schema,
    deployAll(deployments, ctx) {
        const { settings, tags } = ctx;
        const network = ctx.network();
        const cluster = new EksCluster("eks", {
            subnetIds: network.privateSubnetIds,
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
        const primary = defaultArchitecture("eks");
        const architectures = [...new Set<Architecture>([primary, ...deployments.flatMap(({ service }) => service.architectures)])];
        const nodeGroups = architectures.map((arch) => new NodeGroup(arch === primary ? "graviton" : "x86", {
            clusterName: cluster.clusterName,
            architecture: arch,
            subnetIds: network.privateSubnetIds,
            instanceTypes: arch === primary ? settings.eks.instanceTypes : settings.eks.x86InstanceTypes,
            os: settings.eks.os,
            scaling: settings.eks.scaling,
            capacityType: settings.eks.capacityType,
            tags,
        }));
        const provider = new k8s.Provider("eks", { kubeconfig: cluster.kubeconfig, enableServerSideApply: true });
        for (const deployment of deployments) {
            const { service, image } = deployment;
            const workload = new Workload(service.name, {
                image,
                nodeArchitectures: architectures,
                replicas: service.replicas,
                port: service.port,
                cpu: service.cpu,
                memoryMiB: service.memory,
                healthCheckPath: service.healthPath,
                environment: ctx.environmentOf(service),
            }, { provider, dependsOn: nodeGroups });
            ctx.record(deployment, workload.endpoint, { architecture: workload.architecture, architectures: workload.architectures });
        }
        ctx.exportValue("eksClusterName", cluster.clusterName);
        ctx.exportValue("kubeconfig", cluster.kubeconfig);
    },
    notices(services, settings) {
        if (services.length === 0 || settings.eks.endpointPublicAccess) {
            return [];
        }
        return [`the EKS API endpoint is private (polyarch:eks.endpointPublicAccess false) and ${services.length} ` +
            `Kubernetes workload(s) (${services.map((s) => s.name).join(", ")}) are applied through it: run \`pulumi preview\` ` +
            "and `pulumi up` for this stack from inside its VPC (the workflows' prod jobs use the self-hosted runner labelled " +
            "by the POLYARCH_PROD_RUNNER repository variable, default 'polyarch-prod-vpc'; README: Private EKS endpoint)"];
    },
};
