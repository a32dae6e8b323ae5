import { TARGETS } from "@polyarch/platform";
import { read } from "../props";
import { Consumer } from "./consumer";
import { literalStrings } from "./literal-strings";

export const APPRUNNER_SERVICE = "aws:apprunner/service:Service";

/** An App Runner service: no architecture setting, x86_64 only. */
export const appRunnerConsumer: Consumer = {
    type: APPRUNNER_SERVICE,
    noun: "App Runner service",
    runsOn: TARGETS.apprunner.runsOn,
    imageInputs: ["sourceConfiguration"],
    imageReferences(props) {
        return literalStrings([read(props, "sourceConfiguration", "imageRepository", "imageIdentifier")]);
    },
    architectures() {
        const only = TARGETS.apprunner.supported;
        return { kind: "fixed", architectures: [...only], source: `App Runner runs ${only.join(", ")} only` };
    },
};

