import { schema as appRunnerSchema } from "./apprunner-schema";
import { schema as ecsExpressSchema } from "./ecs-express-schema";
import { schema as ecsSchema } from "./ecs-schema";
import { schema as eksSchema } from "./eks-schema";
import { schema as lambdaSchema } from "./lambda-schema";

/**
 * The service entry schemas, for the discriminated union on `target`. Apart from the target
 * modules, so the config's types (settings.ts) are read without the modules that deploy them.
 */
export const SERVICE_SCHEMAS = [lambdaSchema, eksSchema, appRunnerSchema, ecsSchema, ecsExpressSchema] as const;
