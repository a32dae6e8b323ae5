import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, unlessExcluded } from "../lib/policy";
import { UNKNOWN, rawProps, read } from "../lib/props";
import { ECR_REPOSITORY } from "./ecr-scan-on-push";

interface ImmutableTagsConfig {
    /** Wildcard filters allowed to stay mutable under IMMUTABLE_WITH_EXCLUSION (build caches). */
    allowedMutableTagFilters?: string[];
}

/** A mutable tag can be repointed under a running deployment; an immutable one cannot. */
export const ecrImmutableTags: ResourceValidationPolicy = {
    name: "ecr-immutable-tags",
    description: "ECR repositories must make tags immutable (excluding only the buildx cache tags).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set imageTagMutability to IMMUTABLE, or IMMUTABLE_WITH_EXCLUSION with only cache tag filters (cache-*).",
    configSchema: configSchema({
        allowedMutableTagFilters: { type: "array", items: { type: "string" }, default: ["cache-*"],
            description: "Tag filters that may stay mutable under IMMUTABLE_WITH_EXCLUSION." },
    }),
    validateResource: unlessExcluded((args, report) => {
        if (args.type !== ECR_REPOSITORY) {
            return;
        }
        const props = rawProps(args.props);
        const mutability = read(props, "imageTagMutability");
        if (mutability === UNKNOWN || mutability === "IMMUTABLE") {
            return;
        }
        if (mutability === "IMMUTABLE_WITH_EXCLUSION") {
            const allowed = args.getConfig<ImmutableTagsConfig>().allowedMutableTagFilters ?? ["cache-*"];
            const filters = read(props, "imageTagMutabilityExclusionFilters");
            const extra = (Array.isArray(filters) ? filters : [])
                .map((f) => String((f as Record<string, unknown>)?.filter))
                .filter((f) => !allowed.includes(f));
            if (extra.length > 0) {
                report(`ECR repository '${args.name}' keeps tags ${extra.join(", ")} mutable. Fix: exclude only ${allowed.join(", ")}.`);
            }
            return;
        }
        report(`ECR repository '${args.name}' has mutable tags (${String(mutability ?? "MUTABLE, the default")}). ` +
            "Fix: set imageTagMutability to IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION for cache-* tags).");
    }),
};
