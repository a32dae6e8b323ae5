import { ComputeTarget } from "../../components/platform";
import { appRunnerTarget } from "./apprunner";
import { ecsTarget } from "./ecs";
import { ecsExpressTarget } from "./ecs-express";
import { eksTarget } from "./eks";
import { lambdaTarget } from "./lambda";
import { TargetModule } from "./target-module";

/** Every compute target's module, keyed by the target name a service entry uses. */
export const TARGET_MODULES: { readonly [T in ComputeTarget]: TargetModule<T> } = {
    "lambda": lambdaTarget,
    "eks": eksTarget,
    "apprunner": appRunnerTarget,
    "ecs": ecsTarget,
    "ecs-express": ecsExpressTarget,
};

export { SERVICE_SCHEMAS } from "./schemas";
