import { Architecture } from "@polyarch/platform";

/** The architectures a compute resource will run its image on. */
export type ComputeArchitectures =
    | { kind: "fixed"; architectures: Architecture[]; source: string }
    /** Kubernetes pods with no arch constraint: any node of the cluster. */
    | { kind: "unconstrained" }
    /**
     * The compute picks the architecture from the image itself (ECS Express Mode): `choose` says
     * which, given the architectures the image covers; undefined when it covers none it runs.
     */
    | { kind: "follows-image"; source: string; choose(imageArchitectures: readonly Architecture[]): Architecture | undefined }
    | { kind: "unknown"; source: string }
    /** Not a container workload (a Zip Lambda): out of scope. */
    | { kind: "not-applicable" };

/**
 * A resource type that runs images, and how to read it: one module per kind under
 * policies/lib/consumers/, registered in its index.
 */
export interface Consumer {
    type: string;
    /** What it is called in messages: "Lambda function". */
    noun: string;
    /** Where the plan's table says it runs ("Lambda", "ECS Fargate"); EKS workloads say their nodes. */
    runsOn?: string;
    /** The inputs whose propertyDependencies lead to its images. */
    imageInputs: readonly string[];
    /**
     * A component (a multi-language one such as awsx's or @pulumi/eks's), judged from the inputs it
     * was given, which only a resource's Analyze sees (component-inputs.ts). Its children, when
     * they exist, are then not judged again.
     */
    component?: boolean;
    architectures(props: Record<string, unknown>): ComputeArchitectures;
    /** The image references it will run, as literal strings (unknown ones left out). */
    imageReferences(props: Record<string, unknown>): string[];
}
