// @pulumi/eks 4's Cluster and ManagedNodeGroup are multi-language components.
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";

const cluster = new eks.Cluster("cluster", {
    skipDefaultNodeGroup: true,
    authenticationMode: eks.AuthenticationMode.Api,
});
const role = new aws.iam.Role("nodes", {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
});
new eks.ManagedNodeGroup("graviton", {
    cluster,
    nodeRole: role,
    amiType: "AL2023_ARM_64_STANDARD",
    instanceTypes: ["t4g.medium"],
    scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 2 },
});

const repository = new aws.ecr.Repository("web", {
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: "KMS" }],
});
const image = new dockerBuild.Image("web-image", {
    context: { location: "./app" },
    platforms: ["linux/amd64"],
    push: true,
    tags: [repository.repositoryUrl.apply((url) => `${url}:v1`)],
});

const provider = new k8s.Provider("cluster", { kubeconfig: cluster.kubeconfigJson });
new k8s.apps.v1.Deployment("web", {
    spec: {
        selector: { matchLabels: { app: "web" } },
        replicas: 2,
        template: {
            metadata: { labels: { app: "web" } },
            spec: {
                securityContext: { runAsNonRoot: true, runAsUser: 10001 },
                containers: [{ name: "web", image: image.ref, ports: [{ containerPort: 8080 }] }],
            },
        },
    },
}, { provider });

export const kubeconfig = cluster.kubeconfigJson;
