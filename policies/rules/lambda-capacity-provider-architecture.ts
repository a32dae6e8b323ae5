import { StackValidationPolicy } from "@pulumi/policy";
import { Architecture, LAMBDA_DEFAULT_ARCHITECTURE, instanceTypeArchitecture, lambdaArchitecture, parseArchitecture } from "@polyarch/platform";
import { LAMBDA_FUNCTION } from "../lib/consumers";
import { ExclusionConfig, configSchema, isExcluded } from "../lib/policy";
import { UNKNOWN, containsUnknown, rawProps, read } from "../lib/props";

export const LAMBDA_CAPACITY_PROVIDER = "aws:lambda/capacityProvider:CapacityProvider";

/** A capacity provider's architectures and allowed instance types; undefined while unknown. */
function capacityProviderFacts(props: Record<string, unknown>): { architectures: Architecture[]; instanceTypes: string[] } | undefined {
    const requirements = read(props, "instanceRequirements");
    if (requirements === UNKNOWN || containsUnknown(requirements)) {
        return undefined;
    }
    const first = (Array.isArray(requirements) ? requirements[0] : undefined) as Record<string, unknown> | undefined;
    const architectures = (Array.isArray(first?.architectures) ? first.architectures : [])
        .map((a) => parseArchitecture(String(a))).filter((a): a is Architecture => a !== undefined);
    const instanceTypes = (Array.isArray(first?.allowedInstanceTypes) ? first.allowedInstanceTypes : []).map(String);
    return { architectures, instanceTypes };
}

/**
 * Lambda Managed Instances run a function on EC2 instances of a capacity provider. Three things
 * must agree: the provider's `instanceRequirements.architectures`, the families of its allowed
 * instance types (from the catalog), and the architectures of every function attached to it (the
 * image side is lambda-architecture-matches-image's). Any disagreement leaves the function without
 * an instance that can run it, or runs it on the wrong CPU.
 */
export const lambdaCapacityProviderArchitecture: StackValidationPolicy = {
    name: "lambda-capacity-provider-architecture",
    description: "A Lambda capacity provider's architectures, its allowed instance types and the functions attached to it must agree.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set the capacity provider's instanceRequirements.architectures to the functions' architecture, allow only " +
        "instance types of that architecture (Graviton families for arm64), and set each attached function's architectures to match.",
    configSchema: configSchema(),
    validateStack: (args, report) => {
        const config = args.getConfig<ExclusionConfig>();
        const providers = new Map<string, { name: string; architectures: Architecture[] }>();
        for (const resource of args.resources) {
            if (resource.type !== LAMBDA_CAPACITY_PROVIDER) {
                continue;
            }
            const facts = capacityProviderFacts(rawProps(resource.props));
            if (facts === undefined) {
                continue;
            }
            providers.set(resource.urn, { name: resource.name, architectures: facts.architectures });
            if (isExcluded(config, resource)) {
                continue;
            }
            const offenders = facts.instanceTypes
                .map((type) => ({ type, architecture: instanceTypeArchitecture(type) }))
                .filter((o) => o.architecture !== undefined && !facts.architectures.includes(o.architecture));
            if (offenders.length > 0) {
                report(`Lambda capacity provider '${resource.name}' allows ${offenders.map((o) => `${o.type} (${o.architecture})`).join(", ")} but its ` +
                    `instanceRequirements.architectures is ${JSON.stringify(facts.architectures.map(lambdaArchitecture))}. Fix: allow only ` +
                    "instance types of that architecture.", resource.urn);
            }
        }
        for (const resource of args.resources) {
            if (resource.type !== LAMBDA_FUNCTION || isExcluded(config, resource)) {
                continue;
            }
            const provider = (resource.propertyDependencies.capacityProviderConfig ?? [])
                .map((dependency) => providers.get(dependency.urn)).find((p) => p !== undefined);
            if (provider === undefined) {
                continue;
            }
            const value = read(rawProps(resource.props), "architectures");
            if (value === UNKNOWN || containsUnknown(value)) {
                continue;
            }
            const stated = Array.isArray(value) && value.length > 0 ? value.map(String) : [lambdaArchitecture(LAMBDA_DEFAULT_ARCHITECTURE)];
            const runs = stated.map(parseArchitecture);
            const unmatched = runs.filter((a) => a === undefined || !provider.architectures.includes(a));
            if (unmatched.length > 0) {
                report(`Lambda function '${resource.name}' runs ${stated.join(", ")}${Array.isArray(value) && value.length > 0 ? "" : " (architectures unset)"} ` +
                    `on capacity provider '${provider.name}', whose instances are ${provider.architectures.map(lambdaArchitecture).join(", ") || "of no architecture"}. ` +
                    `Fix: set the function's architectures to ${JSON.stringify(provider.architectures.slice(0, 1).map(lambdaArchitecture))}, or attach it to a provider of its architecture.`,
                resource.urn);
            }
        }
    },
};
