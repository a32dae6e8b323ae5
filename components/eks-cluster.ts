import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dataProtection } from "./data-protection";
import { EKS_ACCESS_POLICIES, EksAccessGrant, principalSlug } from "./eks-access";
import { refuse } from "./errors";
import { assumeRolePolicy } from "./iam";

const TYPE = "polyarch:eks:Cluster";

/** Every control-plane log type EKS can ship to CloudWatch. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** EKS cluster names: 1–100 of letters, digits, '-' and '_', starting with a letter or digit. */
const CLUSTER_NAME_PATTERN = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

export interface EksClusterArgs {
    /**
     * Cluster name. Default `<project>-<stack>-<name>`. Known before the cluster exists, so its
     * control-plane log group can be created first, with a retention.
     */
    clusterName?: string;
    /** Subnets for the control plane's network interfaces (at least two AZs). */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Kubernetes version; default is EKS's current default. */
    version?: pulumi.Input<string>;
    /** Reach the API server from inside the VPC. Default true. */
    endpointPrivateAccess?: boolean;
    /** Reach the API server from the internet. Default true (dev); prod stacks set false. */
    endpointPublicAccess?: boolean;
    /** CIDRs allowed to the public endpoint. */
    publicAccessCidrs?: pulumi.Input<string>[];
    /** Envelope-encrypt Kubernetes secrets with a rotating KMS key. Default true. */
    encryptSecrets?: boolean;
    /** Days a deleted secrets key waits before it is gone (7–30). Default 30. */
    kmsDeletionWindowDays?: number;
    /** Control-plane log types to ship. Default all of them. */
    enabledLogTypes?: pulumi.Input<string>[];
    /** Days to keep control-plane logs (a CloudWatch retention value). Default 90. */
    logRetentionDays?: number;
    /** IAM principals besides the creator that may use the cluster (operators, the preview role). */
    accessEntries?: EksAccessGrant[];
    /** Protect the cluster and its secrets key from deletion and keep them if removed from the program. */
    protectData?: boolean;
    /** Tags for every resource. */
    tags?: Record<string, pulumi.Input<string>>;
}

/**
 * An EKS control plane from AWS primitives (not an MLC package, so every child appears in the
 * resource graph the policy pack sees), with API authentication, secrets encryption and logs.
 */
export class EksCluster extends pulumi.ComponentResource {
    public readonly cluster: aws.eks.Cluster;
    public readonly clusterName: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    /** Kubeconfig that authenticates with `aws eks get-token`; a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly secretsKey?: aws.kms.Key;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const window = args.kmsDeletionWindowDays ?? 30;
        if (!Number.isInteger(window) || window < 7 || window > 30) {
            throw refuse(TYPE, name, "kmsDeletionWindowDays", `got ${window}; KMS allows 7 to 30 days`);
        }
        const clusterName = args.clusterName ?? `${pulumi.getProject()}-${pulumi.getStack()}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-");
        if (!CLUSTER_NAME_PATTERN.test(clusterName)) {
            throw refuse(TYPE, name, "clusterName", `'${clusterName}' must be 1 to 100 letters, digits, '-' or '_', starting with a letter or digit`);
        }
        const grants = args.accessEntries ?? [];
        const slugs = new Map<string, number>();
        grants.forEach((grant, index) => {
            const policy = EKS_ACCESS_POLICIES[grant.policy];
            if (policy === undefined) {
                throw refuse(TYPE, name, `accessEntries[${index}].policy`,
                    `got '${String(grant.policy)}'; use ${Object.keys(EKS_ACCESS_POLICIES).map((p) => `'${p}'`).join(", ")}`);
            }
            const slug = principalSlug(grant.principalArn);
            const first = slugs.get(slug);
            if (first !== undefined) {
                throw refuse(TYPE, name, `accessEntries[${index}].principalArn`,
                    `'${grant.principalArn}' names the same principal as accessEntries[${first}]; give each principal one entry`);
            }
            slugs.set(slug, index);
        });
        super(TYPE, name, {}, opts);
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;

        // EKS writes to this group once logging is on; made first (same name) so it has a
        // retention instead of EKS creating it with "never expire".
        const controlPlaneLogs = new aws.cloudwatch.LogGroup(`${name}-control-plane-logs`, {
            name: `/aws/eks/${clusterName}/cluster`,
            retentionInDays: args.logRetentionDays ?? 90,
            tags: args.tags,
        }, { parent: this });

        const role = new aws.iam.Role(`${name}-cluster-role`, {
            assumeRolePolicy: assumeRolePolicy("eks.amazonaws.com"),
            tags: args.tags,
        }, { parent: this });
        const rolePolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster-policy`, {
            role: role.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
        }, { parent: this });

        if (args.encryptSecrets ?? true) {
            this.secretsKey = new aws.kms.Key(`${name}-secrets-key`, {
                description: `${name} EKS secrets envelope encryption`,
                enableKeyRotation: true,
                deletionWindowInDays: window,
                tags: args.tags,
            }, { parent: this, ...dataProtection(args.protectData) });
        }

        // The name is fixed, so a ForceNew change (name, roleArn, accessConfig's bootstrap flag, or
        // dropping encryptionConfig: terraform-provider-aws `internal/service/eks/cluster.go`) fails at
        // create with "already exists" and leaves the running cluster alone, rather than deleting it
        // with every workload; prod protects it anyway. resourceClusterUpdate only associates
        // encryption when none was set: a different keyArn is ignored, so the key is never replaced.
        this.cluster = new aws.eks.Cluster(`${name}-cluster`, {
            name: clusterName,
            roleArn: role.arn,
            version: args.version,
            vpcConfig: {
                subnetIds: args.subnetIds,
                endpointPrivateAccess: args.endpointPrivateAccess ?? true,
                endpointPublicAccess: args.endpointPublicAccess ?? true,
                publicAccessCidrs: args.publicAccessCidrs,
            },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
            encryptionConfig: this.secretsKey
                ? { provider: { keyArn: this.secretsKey.arn }, resources: ["secrets"] }
                : undefined,
            enabledClusterLogTypes: args.enabledLogTypes ?? [...EKS_LOG_TYPES],
            tags: args.tags,
        }, { parent: this, dependsOn: [rolePolicy, controlPlaneLogs], ...dataProtection(args.protectData) });

        // API authentication: the creator is bootstrapped as admin; everyone else needs an entry.
        for (const grant of grants) {
            const slug = principalSlug(grant.principalArn);
            const entry = new aws.eks.AccessEntry(`${name}-access-${slug}`, {
                clusterName: this.cluster.name,
                principalArn: grant.principalArn,
                type: "STANDARD",
                tags: args.tags,
            }, { parent: this });
            new aws.eks.AccessPolicyAssociation(`${name}-access-${slug}-policy`, {
                clusterName: this.cluster.name,
                principalArn: entry.principalArn,
                policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${EKS_ACCESS_POLICIES[grant.policy]}`,
                accessScope: grant.namespaces ? { type: "namespace", namespaces: grant.namespaces } : { type: "cluster" },
            }, { parent: this });
        }

        this.clusterName = this.cluster.name;
        this.endpoint = this.cluster.endpoint;
        this.kubeconfig = pulumi.secret(pulumi.all([
            this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority.data, region,
        ]).apply(([clusterName, endpoint, caData, regionName]) => kubeconfigFor(clusterName, endpoint, caData, regionName)));
        this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint, kubeconfig: this.kubeconfig });
    }
}

/** A kubeconfig whose credentials come from `aws eks get-token` at use time, never stored. */
export function kubeconfigFor(clusterName: string, endpoint: string, caData: string, region: string): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [{
            name: clusterName,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
                },
            },
        }],
    });
}
