import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, unlessExcluded } from "../lib/policy";
import { UNKNOWN, containsUnknown, rawProps, read } from "../lib/props";
import { EKS_CLUSTER } from "./eks-private-endpoint";

interface LoggingConfig {
    requiredLogTypes?: string[];
}

const ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** Without audit and authenticator logs there is no record of who did what to the cluster. */
export const eksControlPlaneLogging: ResourceValidationPolicy = {
    name: "eks-control-plane-logging",
    description: "EKS clusters must ship the required control-plane log types to CloudWatch.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set enabledClusterLogTypes to include every required type (default: all five).",
    configSchema: configSchema({
        requiredLogTypes: { type: "array", items: { type: "string", enum: ALL_LOG_TYPES }, default: ALL_LOG_TYPES,
            description: "Log types every cluster must enable." },
    }),
    validateResource: unlessExcluded((args, report) => {
        if (args.type !== EKS_CLUSTER) {
            return;
        }
        const enabled = read(rawProps(args.props), "enabledClusterLogTypes");
        if (enabled === UNKNOWN || containsUnknown(enabled)) {
            return;
        }
        const required = args.getConfig<LoggingConfig>().requiredLogTypes ?? ALL_LOG_TYPES;
        const have = Array.isArray(enabled) ? enabled.map(String) : [];
        const missing = required.filter((t) => !have.includes(t));
        if (missing.length > 0) {
            report(`EKS cluster '${args.name}' does not log ${missing.join(", ")}. Fix: add them to enabledClusterLogTypes.`);
        }
    }),
};
