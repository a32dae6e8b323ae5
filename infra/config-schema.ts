import { z } from "zod";
import { SERVICE_SCHEMAS } from "./targets/schemas";
import { EKS_ACCESS_POLICIES, EksAccessPolicy } from "../components/eks-access";

/**
 * The shape of `Pulumi.<stack>.yaml` under the `polyarch:` namespace. Every object is strict, so a
 * misspelled key is an error, not a silently ignored setting. Cross-field rules (architecture per
 * target, duplicate names, paths) live in config.ts, which reports them with the same key paths.
 */

/** The retentions CloudWatch Logs accepts (test/models/catalog-vs-aws.test.ts checks them against its model). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** EKS capacity types polyarch offers (CAPACITY_BLOCK needs a reservation, which polyarch does not manage). */
export const NODE_CAPACITY_TYPES = ["ON_DEMAND", "SPOT"] as const;

/** Every `polyarch:services` entry: one schema per target, from the target's module (infra/targets/). */
export const serviceSchema = z.discriminatedUnion("target", [...SERVICE_SCHEMAS]);

/** An IAM role or user ARN (the principals an EKS access entry accepts). */
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@\/-]+$/;

const builderName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: "must be a buildx builder name" });

export const networkSchema = z.object({
    availabilityZones: z.number().int().min(2).max(6).optional(),
    natGateways: z.enum(["None", "Single", "OnePerAz"]).optional(),
    cidrBlock: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, { message: "must be an IPv4 CIDR from /16 to /24" }).optional(),
    /** Interface/gateway VPC endpoints (ECR, S3, logs, STS, EKS) so private workloads pull images without NAT. */
    vpcEndpoints: z.boolean().optional(),
}).strict();

const scaling = z.object({
    min: z.number().int().min(0),
    desired: z.number().int().min(0),
    max: z.number().int().min(1),
}).strict();

export const eksSchema = z.object({
    version: z.string().regex(/^1\.\d{2}$/, { message: "must be a Kubernetes minor version such as 1.33" }).optional(),
    /** Graviton node group instance types. */
    instanceTypes: z.array(z.string()).min(1).optional(),
    /** Instance types of the x86 node group, made only when an eks service is x86_64. */
    x86InstanceTypes: z.array(z.string()).min(1).optional(),
    scaling: scaling.optional(),
    capacityType: z.enum(NODE_CAPACITY_TYPES).optional(),
    endpointPublicAccess: z.boolean().optional(),
    publicAccessCidrs: z.array(z.string()).optional(),
    os: z.enum(["al2023", "bottlerocket"]).optional(),
    /** IAM principals (beyond the cluster creator) granted Kubernetes access through EKS access entries. */
    accessEntries: z.array(z.object({
        principalArn: z.string().regex(IAM_PRINCIPAL_ARN, { message: "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)" }),
        policy: z.enum(Object.keys(EKS_ACCESS_POLICIES) as [EksAccessPolicy, ...EksAccessPolicy[]]),
        namespaces: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "must be a Kubernetes namespace name" })).min(1).optional(),
    }).strict()).optional(),
}).strict();

export const registrySchema = z.object({
    immutableTags: z.boolean().optional(),
    forceDelete: z.boolean().optional(),
    keepReleases: z.number().int().min(3).max(1000).optional(),
    customerManagedKey: z.boolean().optional(),
}).strict();

/** Every key polyarch reads from its own namespace, with its schema. */
export const polyarchKeys = {
    profile: z.enum(["dev", "prod"]),
    services: z.array(serviceSchema).min(1, { message: "must list at least one service" }),
    network: networkSchema,
    eks: eksSchema,
    registry: registrySchema,
    logRetentionDays: z.union(LOG_RETENTION_DAYS.map((v) => z.literal(v)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>]),
    builder: builderName,
    /**
     * A buildx builder per architecture (a native arm64 node for arm64, an amd64 one for x86_64), so
     * no platform of a multi-architecture image builds under QEMU; `builder` covers the others.
     */
    builders: z.record(z.string(), builderName),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)),
} as const;

export type PolyarchKey = keyof typeof polyarchKeys;
export type ServiceConfig = z.infer<typeof serviceSchema>;
