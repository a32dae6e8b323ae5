/**
 * EKS access policies polyarch grants through access entries, by the short name stack config uses.
 * Each is an AWS-managed policy: `arn:<partition>:eks::aws:cluster-access-policy/<name>`.
 */
export const EKS_ACCESS_POLICIES = {
    "cluster-admin": "AmazonEKSClusterAdminPolicy",
    admin: "AmazonEKSAdminPolicy",
    edit: "AmazonEKSEditPolicy",
    view: "AmazonEKSViewPolicy",
} as const;

export type EksAccessPolicy = keyof typeof EKS_ACCESS_POLICIES;

/** One IAM principal's Kubernetes access. */
export interface EksAccessGrant {
    /** IAM role or user ARN (what `aws eks get-token` authenticates as). */
    principalArn: string;
    /** What it may do: `cluster-admin`, `admin`, `edit` or `view`. */
    policy: EksAccessPolicy;
    /** Limit the policy to these namespaces; default the whole cluster. */
    namespaces?: string[];
}

/** A stable resource-name part for a principal: its last ARN segment, DNS-safe. */
export function principalSlug(principalArn: string): string {
    const last = principalArn.split("/").pop() ?? principalArn;
    return last.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "principal";
}
