import { ECS_EXPRESS, TARGETS, ecsCpuArchitecture, expressRunArchitecture } from "@polyarch/platform";
import { read } from "../props";
import { Consumer } from "./consumer";
import { literalStrings } from "./literal-strings";

export const ECS_EXPRESS_SERVICE = "aws:ecs/expressGatewayService:ExpressGatewayService";

/**
 * An ECS Express Mode service. It has no architecture input (@pulumi/aws 7.48): ECS declares
 * X86_64 and, when the image does not run there, detects the image's architecture and runs that
 * (the catalog's ECS_EXPRESS). So what it runs follows the image.
 */
export const ecsExpressConsumer: Consumer = {
    type: ECS_EXPRESS_SERVICE,
    noun: "ECS Express Mode service",
    runsOn: TARGETS["ecs-express"].runsOn,
    imageInputs: ["primaryContainer"],
    imageReferences(props) {
        return literalStrings([read(props, "primaryContainer", "image")]);
    },
    architectures() {
        return {
            kind: "follows-image",
            source: `Express Mode declares ${ecsCpuArchitecture(ECS_EXPRESS.declaredArchitecture)} and runs the image's own ` +
                "architecture when the image lacks it",
            choose: expressRunArchitecture,
        };
    },
};
