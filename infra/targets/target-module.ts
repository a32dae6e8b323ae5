import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ImageReference } from "../../components/image-reference";
import { Architecture, ComputeTarget } from "../../components/platform";
import { ServiceRepository } from "../../components/registry";
import type { ServiceSettings, StackSettings } from "../settings";

/** One service entry of one target, validated and resolved. */
export type TargetService<T extends ComputeTarget> = Extract<ServiceSettings, { target: T }>;

/** What the program built for a service before its compute: its repository and image. */
export interface Deployment<T extends ComputeTarget = ComputeTarget> {
    service: TargetService<T>;
    repository: ServiceRepository;
    /** A `ServiceImage`, or a `MultiArchImage` when the service lists several architectures. */
    image: ImageReference & { platform: string; imageUri: pulumi.Output<string> };
}

/** What the stack shares between targets. */
export interface StackContext {
    settings: StackSettings;
    tags: Record<string, string>;
    /** The stack's VPC, made on first use (a stack of Lambda and App Runner services needs none). */
    network(): awsx.ec2.Vpc;
    /** A service's environment variables (secret when the stack's services are). */
    environmentOf(service: ServiceSettings): Record<string, pulumi.Input<string>>;
    /** Sets one of the stack's own outputs (the EKS cluster's name and kubeconfig). */
    exportValue(key: "eksClusterName" | "kubeconfig", value: pulumi.Output<string>): void;
    /** The one `make()` of the stack under `key`: what several entries share (the ECS cluster). */
    shared<R>(key: string, make: () => R): R;
    /** Records what the stack exports for a service: its endpoint and the architecture it runs. */
    record(deployment: { service: ServiceSettings; image: Deployment["image"] }, endpoint: pulumi.Output<string>, runs: { architecture: Architecture; architectures?: readonly Architecture[] }): void;
}

/**
 * Everything polyarch knows about one compute target, in one module: its entries' config keys,
 * the checks that need more than one key, and how an entry is deployed. Adding a target is a new
 * module plus its row in the catalog (platform/platform.ts `TARGETS`).
 */
export interface TargetModule<T extends ComputeTarget> {
    target: T;
    /** The entry's schema: {@link commonServiceKeys} plus the target's own keys, strict. */
    schema: z.ZodTypeAny;
    /**
     * Cross-key checks of one entry; throws a ConfigError naming `at(key)`. `profile` facts let a
     * check depend on the stack (prod requires HTTPS on public load balancers).
     */
    check?(service: TargetService<T>, at: (key: string) => string, stack: { requireHttps: boolean }): void;
    /**
     * The architecture the target runs from an image covering `architectures`, when the target
     * decides it rather than the service (ECS Express Mode); the service's `architecture`, if it
     * names another, is refused.
     */
    runsArchitecture?(architectures: readonly Architecture[]): Architecture | undefined;
    /**
     * Its images run on Lambda: built as a single image manifest (no attestation index), in a
     * repository whose policy lets Lambda pull (which CreateFunction checks at once).
     */
    runsOnLambda?: boolean;
    /** Deploys one entry (in the order the stack lists them). */
    deploy?(deployment: Deployment<T>, ctx: StackContext): void;
    /** After every entry: deploys the ones that need each other (the EKS cluster, its node groups, the workloads). */
    deployAll?(deployments: Deployment<T>[], ctx: StackContext): void;
    /** What whoever deploys the stack must know about these entries (printed before the plan). */
    notices?(services: TargetService<T>[], settings: StackSettings): string[];
}
