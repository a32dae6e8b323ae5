/**
 * What the AWS provider does with an input the program leaves unset, for the resources the pack
 * reads, as the installed @pulumi/aws SDK (generated from the provider's schema at the pinned
 * version; the schema itself ships only inside the provider plugin) declares it:
 * - a **default**: the schema's default, filled in by the provider's `Check` before the engine
 *   analyzes the resource, so a policy sees it even during a preview (`packageType: "Zip"`). In
 *   the SDK such a property's output type is optional (`Output<T | undefined>`) and its docs say
 *   "Defaults to `V`".
 * - **computed**: AWS decides it when the resource is created (`architectures`), unknown during
 *   a preview; its output type is not optional although the input is. Auto-named `name`s appear
 *   here too, though the bridge names them in `Check`.
 * Only top-level inputs: a nested block's defaults are not applied.
 *
 * tools/engine/generate-provider-schema.ts writes the table (`npm run providers:schema`);
 * test/tools/provider-schema.test.ts fails when it drifts from the installed SDK.
 */
import * as fs from "fs";
import * as path from "path";

/** The AWS resource types the pack reads (policies/lib/consumers and policies/rules). */
export const PACK_READS: readonly string[] = [
    "aws:apprunner/service:Service",
    "aws:ecr/repository:Repository",
    "aws:ecs/expressGatewayService:ExpressGatewayService",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:lambda/capacityProvider:CapacityProvider",
    "aws:lambda/function:Function",
];

export const SCHEMA_TABLE = path.join(__dirname, "aws-provider-schema.json");

export interface ResourceSchemaFacts {
    /** Top-level inputs the provider's Check defaults, with the default. */
    defaults: Record<string, string | number | boolean>;
    /** Top-level optional inputs AWS computes when unset (unknown during a preview). */
    computed: string[];
}

let table: Record<string, ResourceSchemaFacts> | undefined;

/** The committed table (read once). */
export function schemaFacts(type: string): ResourceSchemaFacts | undefined {
    table ??= JSON.parse(fs.readFileSync(SCHEMA_TABLE, "utf8")) as Record<string, ResourceSchemaFacts>;
    return table[type];
}

/**
 * The inputs the engine hands a policy for a resource: the program's, with the defaults its
 * provider's `Check` fills in where the program left a top-level input unset.
 */
export function withProviderDefaults(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const defaults = type.startsWith("aws:") ? schemaFacts(type)?.defaults : undefined;
    if (defaults === undefined) {
        return inputs;
    }
    const missing = Object.entries(defaults).filter(([key]) => inputs[key] === undefined);
    return missing.length === 0 ? inputs : { ...inputs, ...Object.fromEntries(missing) };
}
