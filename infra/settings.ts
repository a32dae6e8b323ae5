import { EksAccessGrant } from "../components/eks-access";
import { NodeGroupArgs } from "../components/node-group";
import { Architecture } from "../components/platform";
import { ServiceConfig } from "./config-schema";

/** What the stack program works from: the stack's config validated and resolved (config.ts parses it). */
export type Profile = "dev" | "prod";

/** One service, validated, with its architecture decided and its paths resolved. */
export type ServiceSettings = ServiceConfig & {
    /** What a single-architecture compute runs (for an index, one of `architectures`). */
    architecture: Architecture;
    /** What the image is built for: one platform, or an index of several, `architecture` first. */
    architectures: Architecture[];
    /** Absolute build context. */
    contextPath: string;
    /** Absolute Dockerfile path. */
    dockerfilePath: string;
};

/** Everything the infra program needs, typed, with the profile's defaults filled in. */
export interface StackSettings {
    stack: string;
    profile: Profile;
    region: string;
    projectRoot: string;
    services: ServiceSettings[];
    network: { availabilityZones: number; natGateways: "None" | "Single" | "OnePerAz"; cidrBlock: string; vpcEndpoints: boolean };
    eks: {
        version?: string;
        instanceTypes: string[];
        x86InstanceTypes: string[];
        scaling: { min: number; desired: number; max: number };
        capacityType: "ON_DEMAND" | "SPOT";
        endpointPublicAccess: boolean;
        publicAccessCidrs?: string[];
        os: NonNullable<NodeGroupArgs["os"]>;
        encryptSecrets: boolean;
        logTypes: string[];
        kmsDeletionWindowDays: number;
        accessEntries: EksAccessGrant[];
    };
    registry: { immutableTags: boolean; forceDelete: boolean; keepReleases: number; customerManagedKey: boolean };
    logRetentionDays: number;
    builder?: string;
    /** A builder per architecture (falling back to `builder`). */
    builders: Partial<Record<Architecture, string>>;
    tags: Record<string, string>;
    /** protect + retainOnDelete on data-bearing resources (and pushed images). */
    protectData: boolean;
    /** A public load balancer must serve HTTPS (prod). */
    requireHttps: boolean;
}
