import { ComputeTarget } from "../../components/platform";
import { appRunnerTarget, schema as appRunnerSchema } from "./apprunner";
import { ecsTarget, schema as ecsSchema } from "./ecs";
import { ecsExpressTarget, schema as ecsExpressSchema } from "./ecs-express";
import { eksTarget, schema as eksSchema } from "./eks";
import { lambdaTarget, schema as lambdaSchema } from "./lambda";
import { TargetModule } from "./target-module";

/** Every compute target's module, keyed by the target name a service entry uses. */
export const TARGET_MODULES: { readonly [T in ComputeTarget]: TargetModule<T> } = {
    "lambda": lambdaTarget,
    "eks": eksTarget,
    "apprunner": appRunnerTarget,
    "ecs": ecsTarget,
    "ecs-express": ecsExpressTarget,
};

/** The service entry schemas, for the discriminated union on `target`. */
export const SERVICE_SCHEMAS = [lambdaSchema, eksSchema, appRunnerSchema, ecsSchema, ecsExpressSchema] as const;
