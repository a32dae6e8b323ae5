import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, unlessExcluded } from "../lib/policy";
import { checkConsumerImages } from "../lib/registry-checks";
import { RegistryConfig, registryConfigProperties } from "../lib/registry-lookup";
import { LookupFailure } from "../lib/registry-client";

/** What to do about each way a lookup fails. */
const FIXES: Readonly<Record<LookupFailure, string>> = {
    "unreachable": "run the deployment where the registry is reachable, or set registryEndpoints for it",
    "timeout": "raise lookupTimeoutMs, or check the network path to the registry",
    "no-credentials": "give the deployer AWS credentials that may call ecr:GetAuthorizationToken (ECR), or set registryCredentials for this registry",
    "unauthorized": "allow the deployer to pull from this repository (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer)",
    "not-found": "push the image first, or fix the reference",
    "unknown-manifest-type": "reference an image manifest or an image index",
    "missing-config": "re-push the image: its config blob is gone or empty",
    "digest-mismatch": "check the registry endpoint: it served different bytes for this digest",
};

/**
 * Fails closed: an image whose platform the registry rule could not read is reported here, with
 * why and the fix. Its level is the stack's choice (advisory in dev, mandatory in prod), like
 * `architecture-verifiable`, so an outage cannot silently let a mismatch through in prod.
 */
export const imagePlatformReadableFromRegistry: ResourceValidationPolicy = {
    name: "image-platform-readable-from-registry",
    description: "The registry must answer for every workload image the registry rule checks (fails closed).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Make the registry reachable and readable with the deployer's credentials (ECR: ecr:GetAuthorizationToken, " +
        "ecr:BatchGetImage), or set registryEndpoints / registryCredentials in this rule's and image-platform-matches-registry's config.",
    configSchema: configSchema(registryConfigProperties()),
    validateResource: unlessExcluded(async (args, report) => {
        const check = await checkConsumerImages(args.type, args.props, args.getConfig<RegistryConfig>(), args.opts.parent);
        if (check === undefined) {
            return;
        }
        for (const text of check.unparsable) {
            report(`'${args.name}' (${args.type}) runs '${text}', which is not an image reference, so its platform cannot be read. Fix: use <registry>/<repository>@sha256:<digest>.`);
        }
        for (const { reference, result } of check.images) {
            if (!result.ok) {
                report(`'${args.name}' (${args.type}): the platform of ${reference.raw} could not be read from ${result.endpoint} ` +
                    `(${result.reason}: ${result.message}). Fix: ${FIXES[result.reason]}.`);
            }
        }
    }),
};
