import { StackValidationPolicy } from "@pulumi/policy";
import { KUBERNETES_ARCH_LABEL } from "@polyarch/platform";
import { CONSUMERS, consistentNodeGroupArchitecture, judgedProps, nodeGroupArchitecture, runsEksNodes } from "../lib/consumers";
import { StackIndex, describeResource } from "../lib/images";
import { ExclusionConfig, configSchema, isExcluded } from "../lib/policy";

/**
 * The architecture rules can only compare what they can see. This rule reports what they cannot:
 * an architecture or platform unknown during preview, an image not traceable to an image resource
 * in the stack, an image whose platform is unset (it builds for whatever host runs `pulumi up`).
 * Its level is the stack's choice (advisory in dev, mandatory in prod), set in the policy config,
 * never left to @pulumi/policy's downgrade of a rule that touched an unknown value.
 */
export const architectureVerifiable: StackValidationPolicy = {
    name: "architecture-verifiable",
    description: "Every image-running resource's architecture and its image's platform must be known and traceable before deploy.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set the image's platform explicitly (docker-build platforms, docker build.platform, awsx platform), build " +
        "the image in the same stack so its platform can be traced, and keep architecture inputs literal rather than computed.",
    configSchema: configSchema(),
    validateStack: (args, report) => {
        const config = args.getConfig<ExclusionConfig>();
        const index = new StackIndex(args.resources, consistentNodeGroupArchitecture);
        for (const resource of args.resources) {
            const props = isExcluded(config, resource) ? undefined : judgedProps(resource);
            if (props === undefined) {
                continue;
            }
            if (runsEksNodes(resource.type)) {
                const result = nodeGroupArchitecture({ type: resource.type, props });
                if (result?.kind === "unknown") {
                    report(`EKS node group '${resource.name}' (${resource.type}): its architecture cannot be verified (${result.source} ` +
                        "unknown). Fix: set amiType and instance types literally.", resource.urn);
                }
                continue;
            }
            const consumer = CONSUMERS.get(resource.type);
            if (consumer === undefined) {
                continue;
            }
            const arch = consumer.architectures(props);
            if (arch.kind === "not-applicable") {
                continue;
            }
            const what = `${consumer.noun} '${resource.name}'`;
            if (arch.kind === "unknown") {
                report(`${what}: its architecture cannot be verified (${arch.source} is not known during preview or not a ` +
                    "known architecture). Fix: set it to a literal value.", resource.urn);
            }
            const images = index.imagesBehind(resource, consumer.imageInputs);
            if (images.length === 0) {
                report(`${what}: its image (input '${consumer.imageInputs.join("' or '")}') does not trace to an image resource in this stack, so its ` +
                    "platform cannot be verified. Fix: build the image in this stack (docker-build Image with platforms set), or " +
                    "exclude this resource in the policy config with a reason.", resource.urn);
            }
            for (const { resource: image, platforms } of images) {
                if (platforms.kind === "unset") {
                    report(`${what}: image ${describeResource(image)} sets no platform, so it builds for whatever machine runs ` +
                        "`pulumi up` (an x86 CI runner, an arm64 laptop). Fix: set its platform explicitly.", resource.urn);
                } else if (platforms.kind === "unknown") {
                    report(`${what}: the platform of image ${describeResource(image)} is not known during preview. Fix: set it ` +
                        "to a literal value.", resource.urn);
                } else if (platforms.kind === "unsupported") {
                    report(`${what}: image ${describeResource(image)} is built for ${platforms.platforms.join(", ")}, which is ` +
                        "neither linux/arm64 nor linux/amd64.", resource.urn);
                }
            }
            if (arch.kind === "unconstrained" && index.nodeGroupArchitectures.size === 0) {
                report(`${what} has no ${KUBERNETES_ARCH_LABEL} selector and the stack has no EKS node groups to check its ` +
                    `image against. Fix: add nodeSelector {"${KUBERNETES_ARCH_LABEL}": "<image arch>"}.`, resource.urn);
            }
        }
    },
};
