import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dataProtection } from "./data-protection";
import { refuse } from "./errors";
import { ARCHITECTURES, Architecture, targetArch } from "./platform";

const TYPE = "polyarch:registry:ServiceRepository";

/** Tags that buildx overwrites on every build (per-platform layer cache); never immutable. */
export const CACHE_TAG_PREFIX = "cache-";
/** Tags of pushed service images; immutable where the repository says so. */
export const RELEASE_TAG_PREFIX = "release-";
/** Release tags of image indexes (`MultiArchImage`); a platform image's is `release-<targetArch>-`. */
export const INDEX_RELEASE_TAG_PREFIX = `${RELEASE_TAG_PREFIX}index-`;

/** Release tags of one platform's images: `release-arm64-`, `release-amd64-`. */
export function platformReleaseTagPrefix(arch: Architecture): string {
    return `${RELEASE_TAG_PREFIX}${targetArch(arch)}-`;
}

/** One release tag prefix per kind of image a deploy pushes: the index, and each platform's image. */
export function releaseTagPrefixes(): string[] {
    return [INDEX_RELEASE_TAG_PREFIX, ...ARCHITECTURES.map(platformReleaseTagPrefix)];
}

/** The fewest release images a repository keeps: the deployed one, its predecessor, one in flight. */
export const MIN_RELEASES_KEPT = 3;

export interface ServiceRepositoryArgs {
    /** Repository name (lowercase, ECR-safe); defaults to Pulumi auto-naming from the resource name. */
    repositoryName?: pulumi.Input<string>;
    /** Release tags can never be overwritten (ECR `IMMUTABLE_WITH_EXCLUSION`); cache tags stay mutable. Default true. */
    immutableTags?: boolean;
    /** Scan every pushed image for CVEs. Default true. */
    scanOnPush?: boolean;
    /** Customer-managed KMS key ARN; without it ECR uses its AWS-managed KMS key (still KMS, never AES256). */
    kmsKeyArn?: pulumi.Input<string>;
    /** Let `pulumi destroy` delete a repository that still holds images. Default false: only ask for it in dev. */
    forceDelete?: boolean;
    /** Release images kept per architecture, newest first (>= 3). Default 10. */
    keepReleases?: number;
    /** Days an untagged manifest (a superseded cache or a failed push) lives before it expires. Default 14. */
    untaggedExpiryDays?: number;
    /** Grant the Lambda service pull access, scoped to functions of this account. Default false. */
    allowLambdaPull?: boolean;
    /** Protect the repository from deletion and keep it (and its images) if removed from the program. Prod sets this. */
    protectData?: boolean;
    /** Tags for the repository. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An ECR repository for one service: KMS-encrypted, scanned on push, immutable release tags, and a
 * lifecycle policy that only expires what no deployment can still reference.
 */
export class ServiceRepository extends pulumi.ComponentResource {
    public readonly repository: aws.ecr.Repository;
    public readonly repositoryUrl: pulumi.Output<string>;
    public readonly repositoryArn: pulumi.Output<string>;
    public readonly registryId: pulumi.Output<string>;

    constructor(name: string, args: ServiceRepositoryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const keepReleases = args.keepReleases ?? 10;
        if (!Number.isInteger(keepReleases) || keepReleases < MIN_RELEASES_KEPT) {
            throw refuse(TYPE, name, "keepReleases",
                `got ${keepReleases}; keep at least ${MIN_RELEASES_KEPT} release images so the deployed ` +
                "digest, its predecessor and an in-flight build are never expired");
        }
        if (args.protectData && args.forceDelete) {
            throw refuse(TYPE, name, "forceDelete",
                "a protected repository cannot also be force-deleted with its images; drop one of the two");
        }
        const untaggedExpiryDays = args.untaggedExpiryDays ?? 14;
        if (!Number.isInteger(untaggedExpiryDays) || untaggedExpiryDays < 1) {
            throw refuse(TYPE, name, "untaggedExpiryDays", `got ${untaggedExpiryDays}; use a whole number of days >= 1`);
        }
        super(TYPE, name, {}, opts);

        const immutable = args.immutableTags ?? true;
        this.repository = new aws.ecr.Repository(`${name}-repo`, {
            name: args.repositoryName,
            imageTagMutability: immutable ? "IMMUTABLE_WITH_EXCLUSION" : "MUTABLE",
            // buildx rewrites the registry cache tag on every build; an immutable cache tag would
            // fail the second build, so cache tags alone are excluded from immutability.
            imageTagMutabilityExclusionFilters: immutable
                ? [{ filter: `${CACHE_TAG_PREFIX}*`, filterType: "WILDCARD" }]
                : undefined,
            imageScanningConfiguration: { scanOnPush: args.scanOnPush ?? true },
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
            forceDelete: args.forceDelete ?? false,
            tags: args.tags,
        }, { parent: this, ...dataProtection(args.protectData) });

        new aws.ecr.LifecyclePolicy(`${name}-lifecycle`, {
            repository: this.repository.name,
            policy: JSON.stringify(lifecyclePolicy(keepReleases, untaggedExpiryDays)),
        }, { parent: this });

        if (args.allowLambdaPull) {
            new aws.ecr.RepositoryPolicy(`${name}-lambda-pull`, {
                repository: this.repository.name,
                policy: lambdaPullPolicy(this.repository.registryId),
            }, { parent: this });
        }

        this.repositoryUrl = this.repository.repositoryUrl;
        this.repositoryArn = this.repository.arn;
        this.registryId = this.repository.registryId;
        this.registerOutputs({
            repositoryUrl: this.repositoryUrl,
            repositoryArn: this.repositoryArn,
            registryId: this.registryId,
        });
    }
}

/**
 * ECR lifecycle rules that keep the newest `keepReleases` deploys whole. ECR counts every manifest
 * as an image, an index and each platform image alike, and a multi-architecture deploy pushes up
 * to three (two platform images, then the index). One count over every `release-` tag would keep
 * fewer deploys than asked and could keep an index whose platform images had expired, so a
 * rollback to it would pull nothing. Instead each kind of release tag has its own rule with its
 * own count: the newest `keepReleases` indexes, and the newest `keepReleases` images of each
 * platform. A deploy pushes a platform image only with a new index, so the platform images the
 * kept indexes reference are always among the kept ones (test/components/ecr-lifecycle.test.ts
 * applies ECR's rule semantics to simulated push histories). Untagged manifests (superseded cache
 * manifests, failed pushes) expire by age; cache tags are never selected.
 *
 * ECR's semantics, from its user guide ("Lifecycle policy properties"): rules apply in ascending
 * `rulePriority`; a `tagPrefixList` selects an image that has a tag starting with each prefix; an
 * image that matches a higher-priority rule's tag selection is never expired by a lower one.
 */
export function lifecyclePolicy(keepReleases: number, untaggedExpiryDays: number): object {
    return {
        rules: [
            {
                rulePriority: 1,
                description: `Expire untagged manifests after ${untaggedExpiryDays} days`,
                selection: {
                    tagStatus: "untagged",
                    countType: "sinceImagePushed",
                    countUnit: "days",
                    countNumber: untaggedExpiryDays,
                },
                action: { type: "expire" },
            },
            ...releaseTagPrefixes().map((prefix, index) => ({
                rulePriority: 2 + index,
                description: `Keep the newest ${keepReleases} ${prefix}* images (one per deploy)`,
                selection: {
                    tagStatus: "tagged",
                    tagPrefixList: [prefix],
                    countType: "imageCountMoreThan",
                    countNumber: keepReleases,
                },
                action: { type: "expire" },
            })),
        ],
    };
}

/** Repository policy letting Lambda pull, limited to functions in the repository's own account. */
function lambdaPullPolicy(accountId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.all([accountId, aws.getPartitionOutput().partition]).apply(([account, partition]) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [{
                Sid: "LambdaPull",
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Condition: { StringLike: { "aws:sourceArn": `arn:${partition}:lambda:*:${account}:function:*` } },
            }],
        }));
}
