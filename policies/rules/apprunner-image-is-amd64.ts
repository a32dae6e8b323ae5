import { StackValidationPolicy } from "@pulumi/policy";
import { defaultArchitecture, dockerPlatform } from "@polyarch/platform";
import { appRunnerConsumer } from "../lib/consumers";
import { describeResource } from "../lib/images";
import { configSchema, validateConsumers } from "../lib/policy";

/** App Runner has no architecture setting and runs x86_64 only; an arm64 image never starts. */
export const appRunnerImageIsAmd64: StackValidationPolicy = {
    name: "apprunner-image-is-amd64",
    description: "An App Runner service's image must be built for linux/amd64.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Build the image for linux/amd64 (docker-build platforms: [\"linux/amd64\"]), or run an arm64 image on " +
        "ECS Fargate instead (App Runner is also closed to new customers since 2026-04-30).",
    configSchema: configSchema(),
    validateStack: validateConsumers([appRunnerConsumer], (service, _arch, { resource: image, platforms }) => {
        const runs = defaultArchitecture("apprunner");
        if (platforms.kind !== "known" || platforms.architectures.includes(runs)) {
            return undefined;
        }
        return `App Runner service '${service.name}' runs ${runs} only, but its image ${describeResource(image)} is built ` +
            `for ${platforms.platforms.join(", ")}. Fix: build it for ${dockerPlatform(runs)}, or move the service to ECS Fargate ` +
            "with an ARM64 runtime platform.";
    }),
};
