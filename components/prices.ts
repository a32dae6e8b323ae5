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

/** One region's figures as AWS's pages show them; {@link PRICE_ROWS} turns them into rows. */
interface RegionFigures {
    lambda: { gbSecond: Record<Architecture, number>; requestsPerMillion: number; managedInstancesFee: number };
    fargate: { vcpuHour: Record<Architecture, number>; gbHour: Record<Architecture, number> };
    /** Absent where App Runner is not offered. */
    apprunner?: { vcpuHour: number; gbHour: number };
    eksClusterHour: number;
    albHour: number;
    ec2: Record<string, number>;
}

const FIGURES: Readonly<Record<string, RegionFigures>> = {
    "us-east-1": {
        lambda: { gbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 }, requestsPerMillion: 0.2, managedInstancesFee: 0.15 },
        fargate: { vcpuHour: { x86_64: 0.04048, arm64: 0.03238 }, gbHour: { x86_64: 0.004445, arm64: 0.00356 } },
        apprunner: { vcpuHour: 0.064, gbHour: 0.007 },
        eksClusterHour: 0.1,
        albHour: 0.0225,
        ec2: {
            "t4g.medium": 0.0336, "t3.medium": 0.0416,
            "m6g.large": 0.077, "m6i.large": 0.096, "m7g.large": 0.0816, "m7i.large": 0.1008,
            "m7g.xlarge": 0.1632, "m7i.xlarge": 0.2016, "c7g.xlarge": 0.145, "c7i.xlarge": 0.1785,
        },
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
        ...ARCHITECTURES.map((architecture) => row("fargate-vcpu-hour", f.fargate.vcpuHour[architecture], { architecture })),
        ...ARCHITECTURES.map((architecture) => row("fargate-gb-hour", f.fargate.gbHour[architecture], { architecture })),
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
