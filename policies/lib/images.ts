import { Architecture, parseArchitecture } from "@polyarch/platform";
import { rememberedInputs } from "./component-inputs";
import { UNKNOWN, isUnknown, rawProps, read } from "./props";

/** Resource types that build (or assemble) container images, and where each keeps its platform. */
export const IMAGE_TYPES = {
    dockerBuildImage: "docker-build:index:Image",
    dockerBuildIndex: "docker-build:index:Index",
    classicDockerImage: "docker:index/image:Image",
    awsxEcrImage: "awsx:ecr:Image",
} as const;

const IMAGE_TYPE_SET = new Set<string>(Object.values(IMAGE_TYPES));

/** Whether a resource type builds or assembles container images ({@link IMAGE_TYPES}). */
export function isImageType(type: string): boolean {
    return IMAGE_TYPE_SET.has(type);
}

/** What the stack says about the platform of one image resource. */
export type ImagePlatforms =
    /** Built for exactly these architectures (more than one: a multi-platform manifest list). */
    | { kind: "known"; architectures: Architecture[]; platforms: string[]; index: boolean }
    /** The platform input is absent: the image builds for whatever host runs `pulumi up`. */
    | { kind: "unset" }
    /** The platform is an output not known during preview. */
    | { kind: "unknown" }
    /**
     * Some platform the catalog does not know (e.g. linux/arm/v7): every platform listed, and the
     * catalogued architectures among them.
     */
    | { kind: "unsupported"; platforms: string[]; architectures: Architecture[] };

/**
 * The part of a resource the tracing needs. @pulumi/policy's PolicyResource has it, and so does
 * the offline plan's recorded graph, so both read the graph with this one implementation.
 */
export interface GraphResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: GraphResource;
    propertyDependencies: Record<string, GraphResource[]>;
}

export interface TracedImage {
    resource: GraphResource;
    platforms: ImagePlatforms;
}

/**
 * One pass over the stack: resources by URN and image resources by the component they sit under,
 * so tracing a consumer's input to its images is a few map lookups, not a scan of the stack.
 */
export class StackIndex {
    private readonly imagesUnder = new Map<string, GraphResource[]>();
    private readonly platformCache = new Map<string, ImagePlatforms>();
    /** Architectures of every EKS managed node group in the stack (for workloads without a selector). */
    public readonly nodeGroupArchitectures = new Set<Architecture>();

    constructor(public readonly resources: GraphResource[], nodeGroupArchitecture?: (r: GraphResource) => Architecture | undefined) {
        for (const resource of resources) {
            if (IMAGE_TYPE_SET.has(resource.type)) {
                // Index the image under each ancestor, so a dependency on a wrapping component
                // (e.g. polyarch's ServiceImage) still leads to the image inside it.
                for (let ancestor = resource.parent; ancestor !== undefined; ancestor = ancestor.parent) {
                    const list = this.imagesUnder.get(ancestor.urn);
                    if (list) {
                        list.push(resource);
                    } else {
                        this.imagesUnder.set(ancestor.urn, [resource]);
                    }
                }
            }
            const arch = nodeGroupArchitecture?.(resource);
            if (arch) {
                this.nodeGroupArchitectures.add(arch);
            }
        }
    }

    /** The image resources the inputs of `consumer` were computed from (deduplicated). */
    imagesBehind(consumer: GraphResource, inputs: readonly string[]): TracedImage[] {
        const found = new Map<string, GraphResource>();
        for (const dependency of inputs.flatMap((input) => consumer.propertyDependencies[input] ?? [])) {
            if (IMAGE_TYPE_SET.has(dependency.type)) {
                found.set(dependency.urn, dependency);
            } else {
                // A component (e.g. polyarch's ServiceImage): the images beneath it.
                for (const image of this.imagesUnder.get(dependency.urn) ?? []) {
                    found.set(image.urn, image);
                }
            }
        }
        // An image that only feeds an Index is not what runs; the Index is.
        const images = [...found.values()];
        const indexes = images.filter((r) => r.type === IMAGE_TYPES.dockerBuildIndex);
        const fedToIndex = new Set(indexes.flatMap((index) => (index.propertyDependencies.sources ?? []).map((s) => s.urn)));
        return images.filter((r) => !fedToIndex.has(r.urn)).map((resource) => ({ resource, platforms: this.platformsOf(resource) }));
    }

    /** The platforms an image resource builds for, memoised per URN. */
    platformsOf(image: GraphResource): ImagePlatforms {
        const cached = this.platformCache.get(image.urn);
        if (cached) {
            return cached;
        }
        const result = this.computePlatforms(image);
        this.platformCache.set(image.urn, result);
        return result;
    }

    private computePlatforms(image: GraphResource): ImagePlatforms {
        const props = rawProps(image.props);
        switch (image.type) {
            case IMAGE_TYPES.dockerBuildImage:
                return fromList(read(props, "platforms"));
            case IMAGE_TYPES.classicDockerImage:
                return fromList(read(props, "build", "platform"));
            case IMAGE_TYPES.awsxEcrImage: {
                // A component: AnalyzeStack sends its outputs (`imageUri`), so its `platform` input
                // is what its Analyze saw; failing that (a state file), the docker-build Image awsx
                // creates from it.
                const inputs = rememberedInputs(image);
                const built = (this.imagesUnder.get(image.urn) ?? []).filter((child) => child.type === IMAGE_TYPES.dockerBuildImage);
                return inputs !== undefined || built.length === 0 ? fromList(read(inputs ?? props, "platform")) : this.platformsOf(built[0]);
            }
            case IMAGE_TYPES.dockerBuildIndex: {
                // An index is the union of its source images, and always a manifest list.
                const sources = (image.propertyDependencies.sources ?? []).filter((s) => IMAGE_TYPE_SET.has(s.type));
                if (sources.length === 0) {
                    return { kind: "unknown" };
                }
                const parts = sources.map((s) => this.platformsOf(s));
                for (const kind of ["unknown", "unset"] as const) {
                    const bad = parts.find((p) => p.kind === kind);
                    if (bad) {
                        return bad;
                    }
                }
                const listed = parts as Extract<ImagePlatforms, { kind: "known" | "unsupported" }>[];
                const architectures = [...new Set(listed.flatMap((p) => p.architectures))];
                const platforms = [...new Set(listed.flatMap((p) => p.platforms))];
                return listed.some((p) => p.kind === "unsupported")
                    ? { kind: "unsupported", platforms, architectures }
                    : { kind: "known", architectures, platforms, index: true };
            }
            default:
                return { kind: "unknown" };
        }
    }
}

function fromList(value: unknown): ImagePlatforms {
    if (value === UNKNOWN) {
        return { kind: "unknown" };
    }
    const list = (Array.isArray(value) ? value : value === undefined || value === null || value === "" ? [] : [value]);
    if (list.length === 0) {
        return { kind: "unset" };
    }
    if (list.some((p) => isUnknown(p) || typeof p !== "string")) {
        return { kind: "unknown" };
    }
    // docker CLI style "linux/amd64,linux/arm64" in one string counts as two platforms.
    const platforms = (list as string[]).flatMap((p) => p.split(",")).map((p) => p.trim()).filter(Boolean);
    const architectures = platforms.map(parseArchitecture);
    const unique = [...new Set(architectures.filter((a): a is Architecture => a !== undefined))];
    if (architectures.some((a) => a === undefined)) {
        return { kind: "unsupported", platforms, architectures: unique };
    }
    return { kind: "known", architectures: unique, platforms, index: platforms.length > 1 };
}

/** `'thumbnails-image' (docker-build:index:Image)` for messages. */
export function describeResource(resource: GraphResource): string {
    return `'${resource.name}' (${resource.type})`;
}
