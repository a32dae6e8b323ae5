import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, unlessExcluded } from "../lib/policy";
import { UNKNOWN, rawProps, read } from "../lib/props";
import { ECR_REPOSITORY } from "./ecr-scan-on-push";

interface KmsConfig {
    /** Demand a customer-managed key (kmsKey set), not ECR's AWS-managed key. */
    requireCustomerManagedKey?: boolean;
}

export const ecrKmsEncryption: ResourceValidationPolicy = {
    name: "ecr-kms-encryption",
    description: "ECR repositories must be encrypted with KMS (optionally a customer-managed key).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set encryptionConfigurations: [{ encryptionType: \"KMS\", kmsKey: <key ARN> }].",
    configSchema: configSchema({
        requireCustomerManagedKey: { type: "boolean", default: false, description: "Require kmsKey (a customer-managed key)." },
    }),
    validateResource: unlessExcluded((args, report) => {
        if (args.type !== ECR_REPOSITORY) {
            return;
        }
        const props = rawProps(args.props);
        const type = read(props, "encryptionConfigurations", 0, "encryptionType");
        if (type === UNKNOWN) {
            return;
        }
        if (type !== "KMS" && type !== "KMS_DSSE") {
            report(`ECR repository '${args.name}' is encrypted with ${String(type ?? "AES256 (the default)")}, not KMS. ` +
                "Fix: set encryptionConfigurations[0].encryptionType to KMS.");
            return;
        }
        const key = read(props, "encryptionConfigurations", 0, "kmsKey");
        if (args.getConfig<KmsConfig>().requireCustomerManagedKey && (key === undefined || key === "")) {
            report(`ECR repository '${args.name}' uses the AWS-managed KMS key; this stack requires a customer-managed key with ` +
                "rotation. Fix: set encryptionConfigurations[0].kmsKey.");
        }
    }),
};
