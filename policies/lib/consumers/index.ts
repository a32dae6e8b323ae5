/**
 * The resource types that run images, one module per kind. A new kind is a new module here plus
 * its row in the catalog; the rules, the registry lookups and the plan's table read them from
 * {@link CONSUMERS}.
 */
import { appRunnerConsumer } from "./apprunner";
import { Consumer } from "./consumer";
import { ecsConsumer } from "./ecs";
import { ecsExpressConsumer } from "./ecs-express";
import { KUBERNETES_WORKLOAD_TYPES, kubernetesConsumer } from "./kubernetes";
import { lambdaConsumer } from "./lambda";

export * from "./consumer";
export * from "./apprunner";
export * from "./ecs";
export * from "./ecs-express";
export * from "./eks-node-group";
export * from "./kubernetes";
export * from "./lambda";

/** Every consumer polyarch checks, by type. */
export const CONSUMERS: ReadonlyMap<string, Consumer> = new Map(
    [lambdaConsumer, appRunnerConsumer, ecsConsumer, ecsExpressConsumer, ...KUBERNETES_WORKLOAD_TYPES.map(kubernetesConsumer)]
        .map((c) => [c.type, c]));
