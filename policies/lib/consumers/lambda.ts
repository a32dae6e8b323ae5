import { Architecture, LAMBDA_DEFAULT_ARCHITECTURE, TARGETS, parseArchitecture } from "@polyarch/platform";
import { UNKNOWN, containsUnknown, read } from "../props";
import { Consumer } from "./consumer";
import { literalStrings } from "./literal-strings";

export const LAMBDA_FUNCTION = "aws:lambda/function:Function";

/** A container-image Lambda function: `architectures` (x86_64 when unset) must match its image. */
export const lambdaConsumer: Consumer = {
    type: LAMBDA_FUNCTION,
    noun: "Lambda function",
    runsOn: TARGETS.lambda.runsOn,
    imageInputs: ["imageUri"],
    imageReferences(props) {
        return read(props, "packageType") === "Image" ? literalStrings([read(props, "imageUri")]) : [];
    },
    architectures(props) {
        const packageType = read(props, "packageType");
        if (packageType !== "Image" && packageType !== UNKNOWN) {
            return { kind: "not-applicable" };
        }
        const value = read(props, "architectures");
        if (value === UNKNOWN || containsUnknown(value)) {
            return { kind: "unknown", source: "architectures" };
        }
        const list = Array.isArray(value) ? value.map(String) : [];
        if (list.length === 0) {
            // Lambda's own default, which is what bites arm64 images built by default elsewhere.
            return { kind: "fixed", architectures: [LAMBDA_DEFAULT_ARCHITECTURE], source: "architectures unset (Lambda defaults to x86_64)" };
        }
        const archs = list.map(parseArchitecture);
        return archs.every((a): a is Architecture => a !== undefined)
            ? { kind: "fixed", architectures: archs, source: `architectures: ${JSON.stringify(list)}` }
            : { kind: "unknown", source: `architectures: ${JSON.stringify(list)}` };
    },
};

