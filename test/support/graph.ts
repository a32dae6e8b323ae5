import { AnalyzerResourceInput } from "../../cli/src/policy-gate/analyzer-client";
import { UNKNOWN_SENTINEL } from "../../cli/src/recording-monitor";

/** The engine's wire value for "not known until the update runs". */
export const UNKNOWN = UNKNOWN_SENTINEL;
export const DIGEST = `sha256:${"b".repeat(64)}`;

/**
 * Builds resource graphs as the engine sends them to analyzers: URNs, parents, dependencies and
 * propertyDependencies, for stacks that never used polyarch's components too.
 */
export class GraphBuilder {
    readonly resources: AnalyzerResourceInput[] = [];

    constructor(private readonly stack = "test") {}

    add(type: string, name: string, properties: Record<string, unknown>, links: {
        parent?: AnalyzerResourceInput;
        deps?: Record<string, AnalyzerResourceInput[]>;
    } = {}): AnalyzerResourceInput {
        const parentType = links.parent ? links.parent.urn.split("::")[2] : undefined;
        const qualified = parentType ? `${parentType}$${type}` : type;
        const propertyDependencies = Object.fromEntries(Object.entries(links.deps ?? {}).map(([k, v]) => [k, v.map((r) => r.urn)]));
        const resource: AnalyzerResourceInput = {
            urn: `urn:pulumi:${this.stack}::project::${qualified}::${name}`,
            type,
            name,
            properties,
            parent: links.parent?.urn ?? "",
            dependencies: [...new Set(Object.values(propertyDependencies).flat())],
            propertyDependencies,
            protect: false,
        };
        this.resources.push(resource);
        return resource;
    }

    /** A docker-build Image for `platforms` (omit for an image that sets none). */
    image(name: string, platforms?: unknown, parent?: AnalyzerResourceInput): AnalyzerResourceInput {
        return this.add("docker-build:index:Image", name, platforms === undefined ? { push: true } : { push: true, platforms }, { parent });
    }

    lambda(name: string, image: AnalyzerResourceInput | undefined, props: Record<string, unknown> = {}): AnalyzerResourceInput {
        return this.add("aws:lambda/function:Function", name, {
            packageType: "Image",
            imageUri: `123456789012.dkr.ecr.us-west-2.amazonaws.com/${name}@${DIGEST}`,
            tracingConfig: { mode: "Active" },
            ...props,
        }, { deps: image ? { imageUri: [image] } : {} });
    }
}
