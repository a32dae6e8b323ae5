/**
 * @polyarch/components: Pulumi components that derive every compute architecture from the image
 * they run. The catalog (`./platform`) has no Pulumi imports and can be loaded on its own.
 */
export * as platform from "./platform";
export { Architecture, ComputeTarget } from "./platform";
export { PolyarchInputError } from "./errors";
export { ImageReference, coveredArchitectures } from "./image-reference";
export { ServiceRepository, ServiceRepositoryArgs } from "./registry";
export { ServiceImage, ServiceImageArgs, RepositoryTarget } from "./image";
export { MultiArchImage, MultiArchImageArgs } from "./multi-arch-image";
export { LambdaService, LambdaServiceArgs } from "./lambda";
export { AppRunnerService, AppRunnerServiceArgs } from "./apprunner";
export { EcsService, EcsServiceArgs } from "./ecs";
export { EcsExpressService, EcsExpressServiceArgs } from "./ecs-express";
export { LambdaCapacityProvider, LambdaCapacityProviderArgs, CapacityProviderReference } from "./lambda-capacity-provider";
export { EksCluster, EksClusterArgs } from "./eks-cluster";
export { NodeGroup, NodeGroupArgs } from "./node-group";
export { Workload, WorkloadArgs } from "./workload";
