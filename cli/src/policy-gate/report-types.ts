import { StepAction } from "../engine/prior-state";
import { EnforcementLevel } from "./analyzer-client";

/** The shapes of the gate's report (gate.ts builds it; the service table and the audit read it). */
export interface ReportResource {
    urn: string;
    type: string;
    name: string;
    /** With `--state`: the step this preview is for the resource. */
    action?: StepAction;
    parent: string;
    inputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

export interface ReportDiagnostic {
    /** With more than one policy pack: the pack's name. */
    policyPack?: string;
    policy: string;
    urn: string;
    level: EnforcementLevel;
    message: string;
}
