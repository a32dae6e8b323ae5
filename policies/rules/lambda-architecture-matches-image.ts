import { StackValidationPolicy } from "@pulumi/policy";
import { dockerPlatform, lambdaArchitecture } from "@polyarch/platform";
import { lambdaConsumer } from "../lib/consumers";
import { describeResource } from "../lib/images";
import { configSchema, validateConsumers } from "../lib/policy";

/**
 * The failure this prevents: "Runtime exited with error: exec format error", a Lambda whose
 * `architectures` (x86_64 when unset) differs from the CPU its image was built for. Lambda also
 * rejects image indexes, so a multi-platform image is refused outright.
 */
export const lambdaArchitectureMatchesImage: StackValidationPolicy = {
    name: "lambda-architecture-matches-image",
    description: "A container-image Lambda's architectures must equal its image's single platform.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Build the image for exactly the function's architecture (docker-build platforms: [\"linux/arm64\"] " +
        "for arm64), or set the function's architectures to match the image. Never point a Lambda at a multi-platform index.",
    configSchema: configSchema(),
    validateStack: validateConsumers([lambdaConsumer], (fn, arch, { resource: image, platforms }) => {
        if (platforms.kind !== "known" || arch.kind !== "fixed") {
            return undefined;
        }
        const runs = arch.architectures[0];
        if (platforms.index || platforms.architectures.length > 1) {
            return `Lambda function '${fn.name}' (${arch.source}) uses image ${describeResource(image)} built for several ` +
                `platforms (${platforms.platforms.join(", ")}): Lambda rejects a manifest list. Fix: build a single ` +
                `${dockerPlatform(runs)} image for this function (docker-build platforms: ["${dockerPlatform(runs)}"]).`;
        }
        const built = platforms.architectures[0];
        if (built !== runs) {
            return `Lambda function '${fn.name}' runs ${runs} (${arch.source}) but its image ${describeResource(image)} is built ` +
                `for ${platforms.platforms[0]} (${built}): it would fail with "exec format error". Fix: build the image for ` +
                `${dockerPlatform(runs)}, or set architectures: ["${lambdaArchitecture(built)}"].`;
        }
        return undefined;
    }),
};
