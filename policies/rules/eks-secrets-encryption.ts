import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, unlessExcluded } from "../lib/policy";
import { UNKNOWN, rawProps, read } from "../lib/props";
import { EKS_CLUSTER } from "./eks-private-endpoint";

/** Kubernetes secrets sit in etcd; envelope encryption keeps a KMS key between them and a snapshot. */
export const eksSecretsEncryption: ResourceValidationPolicy = {
    name: "eks-secrets-encryption",
    description: "EKS clusters must envelope-encrypt Kubernetes secrets with KMS.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set encryptionConfig: { provider: { keyArn: <KMS key with rotation> }, resources: [\"secrets\"] }.",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        if (args.type !== EKS_CLUSTER) {
            return;
        }
        const resources = read(rawProps(args.props), "encryptionConfig", "resources");
        if (resources === UNKNOWN) {
            return;
        }
        if (!Array.isArray(resources) || !resources.includes("secrets")) {
            report(`EKS cluster '${args.name}' does not encrypt Kubernetes secrets with KMS. Fix: set encryptionConfig with ` +
                "resources [\"secrets\"] and a KMS key.");
        }
    }),
};
