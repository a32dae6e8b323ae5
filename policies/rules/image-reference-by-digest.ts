import { ResourceValidationPolicy } from "@pulumi/policy";
import { componentApplies } from "../lib/consumers";
import { judgedByAncestor } from "../lib/component-inputs";
import { imageReferences } from "../lib/image-references";
import { configSchema, unlessExcluded } from "../lib/policy";
import { rawProps } from "../lib/props";

/** `repo@sha256:<64 hex>`, optionally with a tag before the digest for non-Lambda consumers. */
const BY_DIGEST = /@sha256:[0-9a-f]{64}$/;

/** A tag can move; a digest names exactly the bytes (and the platform) that were checked. */
export const imageReferenceByDigest: ResourceValidationPolicy = {
    name: "image-reference-by-digest",
    description: "Lambda, App Runner, ECS and Kubernetes must reference images by digest, never by a mutable tag such as :latest.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Reference `<repositoryUrl>@sha256:<digest>` (polyarch's ServiceImage.imageUri, or docker-build Image's digest).",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        if (judgedByAncestor(args.type, args.opts.parent, componentApplies)) {
            return;
        }
        for (const reference of imageReferences(args.type, rawProps(args.props))) {
            if (!BY_DIGEST.test(reference)) {
                report(`'${args.name}' (${args.type}) references image '${reference}' by tag. Fix: reference it by digest ` +
                    "(<repository>@sha256:…), so what runs is exactly what was built and checked.");
            }
        }
    }),
};
