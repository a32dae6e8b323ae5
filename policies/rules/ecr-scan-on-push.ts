import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, unlessExcluded } from "../lib/policy";
import { UNKNOWN, rawProps, read } from "../lib/props";

export const ECR_REPOSITORY = "aws:ecr/repository:Repository";

/** Known CVEs in a base image should surface at push time, not after an incident. */
export const ecrScanOnPush: ResourceValidationPolicy = {
    name: "ecr-scan-on-push",
    description: "ECR repositories must scan images on push.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set imageScanningConfiguration: { scanOnPush: true } (ServiceRepository does by default).",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        if (args.type !== ECR_REPOSITORY) {
            return;
        }
        const scan = read(rawProps(args.props), "imageScanningConfiguration", "scanOnPush");
        if (scan !== true && scan !== UNKNOWN) {
            report(`ECR repository '${args.name}' does not scan on push. Fix: set imageScanningConfiguration.scanOnPush to true.`);
        }
    }),
};
