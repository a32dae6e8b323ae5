import { ResourceValidationPolicy } from "@pulumi/policy";
import { LAMBDA_DEFAULT_ARCHITECTURE, lambdaArchitecture } from "@polyarch/platform";
import { LAMBDA_FUNCTION } from "../lib/consumers";
import { configSchema, unlessExcluded } from "../lib/policy";
import { rawProps, read } from "../lib/props";

/**
 * A container-image Lambda that leaves `architectures` out runs x86_64, AWS's default. A stack
 * rule cannot see that during a preview: `architectures` is computed by AWS, so the preview's
 * outputs carry it as unknown and the comparison with the image is skipped. This resource rule
 * reads the inputs instead, which say plainly that nothing was chosen, so the same mistake fails
 * the preview, `pulumi up` (before the function is created) and the offline gate alike.
 */
export const lambdaImageStatesArchitectures: ResourceValidationPolicy = {
    name: "lambda-image-states-architectures",
    description: "A container-image Lambda must state its architectures instead of taking AWS's x86_64 default.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set architectures to the one architecture its image is built for, e.g. [\"arm64\"] for a linux/arm64 image.",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        if (args.type !== LAMBDA_FUNCTION) {
            return;
        }
        const props = rawProps(args.props);
        if (read(props, "packageType") !== "Image") {
            return;
        }
        const architectures = read(props, "architectures");
        if (architectures === undefined || architectures === null || (Array.isArray(architectures) && architectures.length === 0)) {
            report(`Lambda function '${args.name}' runs a container image but does not set architectures, so AWS runs it on ` +
                `${lambdaArchitecture(LAMBDA_DEFAULT_ARCHITECTURE)} whatever the image was built for. Fix: set architectures to ` +
                "the image's architecture (e.g. [\"arm64\"] for a linux/arm64 image).");
        }
    }),
};
