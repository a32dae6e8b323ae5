import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, unlessExcluded } from "../lib/policy";
import { UNKNOWN, rawProps, read } from "../lib/props";

export const EKS_CLUSTER = "aws:eks/cluster:Cluster";

/** A public API server is an internet-facing control plane; prod keeps it inside the VPC. */
export const eksPrivateEndpoint: ResourceValidationPolicy = {
    name: "eks-private-endpoint",
    description: "EKS clusters must expose the API server privately only.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set vpcConfig.endpointPrivateAccess: true and endpointPublicAccess: false (reach it via VPN, SSM or a runner in the VPC).",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        if (args.type !== EKS_CLUSTER) {
            return;
        }
        const props = rawProps(args.props);
        const publicAccess = read(props, "vpcConfig", "endpointPublicAccess");
        const privateAccess = read(props, "vpcConfig", "endpointPrivateAccess");
        if (publicAccess === UNKNOWN || privateAccess === UNKNOWN) {
            return;
        }
        // EKS's defaults when unset: public true, private false.
        const isPublic = publicAccess ?? true;
        const isPrivate = privateAccess ?? false;
        if (isPublic !== false || isPrivate !== true) {
            report(`EKS cluster '${args.name}' has endpointPublicAccess ${String(isPublic)} and endpointPrivateAccess ` +
                `${String(isPrivate)}. Fix: endpointPublicAccess false, endpointPrivateAccess true.`);
        }
    }),
};
