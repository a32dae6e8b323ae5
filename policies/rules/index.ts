import { Policies } from "@pulumi/policy";
import { rememberingComponentInputs } from "../lib/component-inputs";
import { appRunnerImageIsAmd64 } from "./apprunner-image-is-amd64";
import { architectureVerifiable } from "./architecture-verifiable";
import { ecrImmutableTags } from "./ecr-immutable-tags";
import { ecrKmsEncryption } from "./ecr-kms-encryption";
import { ecrScanOnPush } from "./ecr-scan-on-push";
import { ecsExpressImageRunnable } from "./ecs-express-image-runnable";
import { ecsTaskArchitectureMatchesImage } from "./ecs-task-architecture-matches-image";
import { eksControlPlaneLogging } from "./eks-control-plane-logging";
import { eksNodeGroupArchitectureConsistent } from "./eks-nodegroup-architecture-consistent";
import { eksPrivateEndpoint } from "./eks-private-endpoint";
import { eksSecretsEncryption } from "./eks-secrets-encryption";
import { iamNoAdminWildcard } from "./iam-no-admin-wildcard";
import { imagePlatformMatchesRegistry } from "./image-platform-matches-registry";
import { imagePlatformReadableFromRegistry } from "./image-platform-readable-from-registry";
import { imageReferenceByDigest } from "./image-reference-by-digest";
import { kubernetesRunAsNumericUser } from "./kubernetes-run-as-numeric-user";
import { kubernetesWorkloadArchitectureMatchesImage } from "./kubernetes-workload-architecture-matches-image";
import { kubernetesWorkloadSchedulable } from "./kubernetes-workload-schedulable";
import { lambdaArchitectureMatchesImage } from "./lambda-architecture-matches-image";
import { lambdaCapacityProviderArchitecture } from "./lambda-capacity-provider-architecture";
import { lambdaImageStatesArchitectures } from "./lambda-image-states-architectures";
import { lambdaTracingActive } from "./lambda-tracing-active";

/**
 * Every rule of the pack: architecture first, then hygiene. Each resource rule also remembers the
 * inputs of the components the stack rules judge (component-inputs.ts says why).
 */
export const POLICIES: Policies = rememberingComponentInputs([
    lambdaArchitectureMatchesImage,
    lambdaImageStatesArchitectures,
    lambdaCapacityProviderArchitecture,
    appRunnerImageIsAmd64,
    ecsTaskArchitectureMatchesImage,
    ecsExpressImageRunnable,
    kubernetesWorkloadArchitectureMatchesImage,
    kubernetesWorkloadSchedulable,
    eksNodeGroupArchitectureConsistent,
    architectureVerifiable,
    imagePlatformMatchesRegistry,
    imagePlatformReadableFromRegistry,
    ecrScanOnPush,
    ecrImmutableTags,
    ecrKmsEncryption,
    eksPrivateEndpoint,
    eksSecretsEncryption,
    eksControlPlaneLogging,
    lambdaTracingActive,
    imageReferenceByDigest,
    iamNoAdminWildcard,
    kubernetesRunAsNumericUser,
]);
