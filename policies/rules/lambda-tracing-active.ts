import { ResourceValidationPolicy } from "@pulumi/policy";
import { LAMBDA_FUNCTION } from "../lib/consumers";
import { configSchema, unlessExcluded } from "../lib/policy";
import { UNKNOWN, rawProps, read } from "../lib/props";

/** Cold starts and downstream latency are invisible without traces. */
export const lambdaTracingActive: ResourceValidationPolicy = {
    name: "lambda-tracing-active",
    description: "Lambda functions must have active X-Ray tracing.",
    // Mandatory unless a stack's config says otherwise (dev does): with no config file every rule
    // of this pack is mandatory, as the README promises.
    enforcementLevel: "mandatory",
    severity: "low",
    remediationSteps: "Set tracingConfig: { mode: \"Active\" } and allow xray:PutTraceSegments/PutTelemetryRecords in the role.",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        if (args.type !== LAMBDA_FUNCTION) {
            return;
        }
        const mode = read(rawProps(args.props), "tracingConfig", "mode");
        if (mode !== "Active" && mode !== UNKNOWN) {
            report(`Lambda function '${args.name}' has tracing ${String(mode ?? "off")}. Fix: set tracingConfig.mode to Active.`);
        }
    }),
};
