/**
 * The price catalog: the only place in polyarch that knows what AWS charges, for the plan's cost
 * estimate (README "What arm64 saves"). One dated table, one row per region, price and
 * architecture, each row naming the AWS pricing page it was read from. USD, on-demand, Linux, no
 * free tier, no Savings Plans or Spot.
 *
 * Pure data and functions with no Pulumi imports, like the platform catalog beside it.
 * test/cost/prices.test.ts holds the table to AWS's own published relations (arm64 Lambda 20%
 * below x86_64, Fargate ARM about 20% below x86, a Graviton instance below its x86 sibling) and
 * to the instance types the platform catalog offers.
 */
import { ARCHITECTURES, Architecture, DEFAULT_INSTANCE_TYPES, EKS_COMPONENT_DEFAULT_INSTANCE_TYPE, instanceTypeArchitecture, siblingInstanceType } from "./platform";

/** When the table's figures were read from the pages in {@link PRICE_SOURCES}. */
export const PRICES_AS_OF = "2026-11-28";

/** The hours AWS prices a month at (8760 / 12). */
export const HOURS_PER_MONTH = 730;

/** The AWS pricing page each kind of price comes from. */
export const PRICE_SOURCES = {
    lambda: "https://aws.amazon.com/lambda/pricing/",
    fargate: "https://aws.amazon.com/fargate/pricing/",
    apprunner: "https://aws.amazon.com/apprunner/pricing/",
    eks: "https://aws.amazon.com/eks/pricing/",
    elb: "https://aws.amazon.com/elasticloadbalancing/pricing/",
    ec2: "https://aws.amazon.com/ec2/pricing/on-demand/",
} as const;

/** What a row prices, and per what. */
export const PRICE_ITEMS = {
    /** Lambda duration, first tier, per GB-second; one row per architecture. */
    "lambda-gb-second": { unit: "GB-second", source: PRICE_SOURCES.lambda },
    /** Lambda requests, per million (both architectures, and Lambda Managed Instances). */
    "lambda-requests": { unit: "1M requests", source: PRICE_SOURCES.lambda },
    /** Lambda Managed Instances' management fee, as a fraction of the instances' on-demand EC2 price. */
    "lambda-managed-instances-fee": { unit: "fraction of EC2 on-demand", source: PRICE_SOURCES.lambda },
    /** Fargate, Linux, per vCPU-hour; one row per architecture (x86, ARM). */
    "fargate-vcpu-hour": { unit: "vCPU-hour", source: PRICE_SOURCES.fargate },
    /** Fargate, Linux, per GB-hour; one row per architecture. */
    "fargate-gb-hour": { unit: "GB-hour", source: PRICE_SOURCES.fargate },
    /** App Runner active instance, per vCPU-hour (x86_64 only). */
    "apprunner-vcpu-hour": { unit: "vCPU-hour", source: PRICE_SOURCES.apprunner },
    /** App Runner instance memory, per GB-hour, active or provisioned (idle). */
    "apprunner-gb-hour": { unit: "GB-hour", source: PRICE_SOURCES.apprunner },
    /** An EKS cluster on standard support, per hour. */
    "eks-cluster-hour": { unit: "cluster-hour", source: PRICE_SOURCES.eks },
    /** An Application Load Balancer, per hour (LCUs not counted). */
    "alb-hour": { unit: "ALB-hour", source: PRICE_SOURCES.elb },
    /** An EC2 on-demand Linux instance, per hour; one row per instance type. */
    "ec2-hour": { unit: "instance-hour", source: PRICE_SOURCES.ec2 },
} as const;

export type PriceItem = keyof typeof PRICE_ITEMS;

export interface PriceRow {
    region: string;
    item: PriceItem;
    /** For prices that differ by CPU: Lambda duration, Fargate, and each instance type's own. */
    architecture?: Architecture;
    /** For `ec2-hour`. */
    instanceType?: string;
    usd: number;
    unit: string;
    source: string;
}

/**
 * One region's figures as AWS publishes them. A figure no source could be read for is left out,
 * never filled from another region: the estimate then says what it could not price.
 */
interface RegionFigures {
    lambda: { gbSecond: Record<Architecture, number>; requestsPerMillion: number; managedInstancesFee: number };
    fargate: { vcpuHour: Partial<Record<Architecture, number>>; gbHour: Partial<Record<Architecture, number>> };
    /** App Runner's active vCPU-hour and its memory GB-hour (the same for active and provisioned instances). */
    apprunner?: { vcpuHour: number; gbHour: number };
    eksClusterHour: number;
    albHour: number;
    ec2: Record<string, number>;
}

/**
 * Lambda, every region here: AWS's calculator price file (calculator.aws meteredUnitMaps/lambda, as
 * copied by remotion-dev/remotion packages/lambda/src/pricing/price-per-1-s.ts; artillery's table
 * agrees); arm64 is 20% below x86_64 ("duration charges are 20 percent lower", AWS News Blog,
 * 2021-09-29). Lambda Managed Instances: a 15% management fee on the instances' on-demand price plus
 * the request charge, no duration charge (AWS Lambda pricing page; aws-samples/
 * sample-aws-lambda-managed-instances tools/pricing-calculator, 2026-03). EKS: $0.10 per cluster-hour
 * on standard support, no regional qualifier (AWS Containers blog, April 2024).
 */
const LAMBDA = { gbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 }, requestsPerMillion: 0.2, managedInstancesFee: 0.15 };

/** Lambda Managed Instances' management fee: a share of the on-demand price, the same in every region. */
export const LAMBDA_MANAGED_INSTANCES_FEE = LAMBDA.managedInstancesFee;
const EKS_CLUSTER_HOUR = 0.1;

const FIGURES: Readonly<Record<string, RegionFigures>> = {
    // Fargate and the ALB: the AmazonECS and AWSELB price lists (2026-08-22); App Runner: its pricing
    // page (US East, US West (Oregon), Europe (Ireland): $0.064/vCPU-hour, $0.007/GB-hour); EC2: the
    // Price List API as of 2026-01-19 (karpenter-provider-aws zz_generated.pricing_aws.go).
    "us-east-1": {
        lambda: LAMBDA,
        fargate: { vcpuHour: { x86_64: 0.04048, arm64: 0.03238 }, gbHour: { x86_64: 0.004445, arm64: 0.00356 } },
        apprunner: { vcpuHour: 0.064, gbHour: 0.007 },
        eksClusterHour: EKS_CLUSTER_HOUR,
        albHour: 0.0225,
        ec2: {
            "t4g.medium": 0.0336, "t3.medium": 0.0416,
            "m6g.large": 0.077, "m6i.large": 0.096, "m7g.large": 0.0816, "m7i.large": 0.1008, "m8g.large": 0.08976,
            "m7g.xlarge": 0.1632, "m7i.xlarge": 0.2016,
            "c6g.xlarge": 0.136, "c6i.xlarge": 0.17, "c7g.xlarge": 0.145, "c7i.xlarge": 0.1785,
            "r7g.large": 0.1071, "r7i.large": 0.1323,
        },
    },
    // Fargate and the ALB: the Price List API (USW2-Fargate-*, USW2-LoadBalancerUsage, 2026-06-01);
    // the ALB and t3.medium again from the us-west-2 AmazonEC2/AWSELB price lists (2026-10-04);
    // m6i.large from `aws pricing get-products`. Other instance types: no us-west-2 figure was found.
    "us-west-2": {
        lambda: LAMBDA,
        fargate: { vcpuHour: { x86_64: 0.04048, arm64: 0.03238 }, gbHour: { x86_64: 0.004445, arm64: 0.00356 } },
        apprunner: { vcpuHour: 0.064, gbHour: 0.007 },
        eksClusterHour: EKS_CLUSTER_HOUR,
        albHour: 0.0225,
        ec2: { "t3.medium": 0.0416, "m6i.large": 0.096 },
    },
    // Fargate: the Price List API (EU-Fargate-*, 2026-05-01) and the eu-west-1 AmazonECS price list;
    // the ALB: billed at $0.0252 per ALB-hour (May 2026); m6i.large: `aws pricing get-products`.
    "eu-west-1": {
        lambda: LAMBDA,
        fargate: { vcpuHour: { x86_64: 0.04048, arm64: 0.03238 }, gbHour: { x86_64: 0.004445, arm64: 0.00356 } },
        apprunner: { vcpuHour: 0.064, gbHour: 0.007 },
        eksClusterHour: EKS_CLUSTER_HOUR,
        albHour: 0.0252,
        ec2: { "m6i.large": 0.107 },
    },
    // Fargate x86: the eu-central-1 AmazonECS price list (effective 2026-07-07) and the Price List
    // API (2026-09-23); no Fargate ARM figure was found. The ALB: the Price List API and a billing
    // line ($0.027 per Application LoadBalancer-hour); m7g.large: the eu-central-1 AmazonEC2 price
    // list (effective 2026-09-01). No App Runner figure was found for Frankfurt.
    "eu-central-1": {
        lambda: LAMBDA,
        fargate: { vcpuHour: { x86_64: 0.04656 }, gbHour: { x86_64: 0.00511 } },
        eksClusterHour: EKS_CLUSTER_HOUR,
        albHour: 0.027,
        ec2: { "m7g.large": 0.0978 },
    },
    // Fargate, the ALB and EC2: the Price List API for Tokyo (2026-08-27 to 2026-09-09; APN1-*).
    // App Runner: the pricing page's footnote ($0.009/GB-hour in Tokyo) and $0.081/vCPU-hour
    // (three write-ups agree; no AWS file was found for it).
    "ap-northeast-1": {
        lambda: LAMBDA,
        fargate: { vcpuHour: { x86_64: 0.05056, arm64: 0.04045 }, gbHour: { x86_64: 0.00553, arm64: 0.00442 } },
        apprunner: { vcpuHour: 0.081, gbHour: 0.009 },
        eksClusterHour: EKS_CLUSTER_HOUR,
        albHour: 0.0243,
        ec2: { "t4g.medium": 0.0432, "t3.medium": 0.0544, "m6g.large": 0.099, "m7g.large": 0.1054, "m7g.xlarge": 0.2108 },
    },
};

/** Every row of the table. */
export const PRICE_ROWS: readonly PriceRow[] = Object.entries(FIGURES).flatMap(([region, f]) => {
    const row = (item: PriceItem, usd: number, extra: Partial<PriceRow> = {}): PriceRow =>
        ({ region, item, usd, unit: PRICE_ITEMS[item].unit, source: PRICE_ITEMS[item].source, ...extra });
    return [
        ...ARCHITECTURES.map((architecture) => row("lambda-gb-second", f.lambda.gbSecond[architecture], { architecture })),
        row("lambda-requests", f.lambda.requestsPerMillion),
        row("lambda-managed-instances-fee", f.lambda.managedInstancesFee),
        ...ARCHITECTURES.flatMap((architecture) => (f.fargate.vcpuHour[architecture] === undefined ? []
            : [row("fargate-vcpu-hour", f.fargate.vcpuHour[architecture] as number, { architecture })])),
        ...ARCHITECTURES.flatMap((architecture) => (f.fargate.gbHour[architecture] === undefined ? []
            : [row("fargate-gb-hour", f.fargate.gbHour[architecture] as number, { architecture })])),
        ...(f.apprunner === undefined ? [] : [row("apprunner-vcpu-hour", f.apprunner.vcpuHour), row("apprunner-gb-hour", f.apprunner.gbHour)]),
        row("eks-cluster-hour", f.eksClusterHour),
        row("alb-hour", f.albHour),
        ...Object.entries(f.ec2).map(([instanceType, usd]) =>
            row("ec2-hour", usd, { instanceType, architecture: instanceTypeArchitecture(instanceType) })),
    ];
});

/** The regions the table prices. */
export const PRICED_REGIONS: readonly string[] = Object.keys(FIGURES);

/** The table's rows for one region (none for a region it does not price). */
export function pricesFor(region: string): PriceRow[] {
    return PRICE_ROWS.filter((row) => row.region === region);
}

/**
 * The instance types the table must price in every region: those the platform catalog offers for
 * node groups and capacity providers, @pulumi/eks's default, and each one's sibling of the other
 * architecture (what the alternative costs).
 */
export function instanceTypesToPrice(): string[] {
    const offered = [...ARCHITECTURES.flatMap((arch) => DEFAULT_INSTANCE_TYPES[arch]), EKS_COMPONENT_DEFAULT_INSTANCE_TYPE];
    return [...new Set(offered.flatMap((type) => ARCHITECTURES.map((arch) => siblingInstanceType(type, arch) ?? type)))];
}
