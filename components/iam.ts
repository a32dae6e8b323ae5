import * as pulumi from "@pulumi/pulumi";

/** An IAM policy statement as AWS reads it. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string | string[];
    Resource: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** Trust policy letting one AWS service assume a role. */
export function assumeRolePolicy(servicePrincipal: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: servicePrincipal }, Action: "sts:AssumeRole" }],
    });
}

/** A policy document from statements whose resources may still be outputs. */
export function policyDocument(statements: PolicyStatement[]): pulumi.Output<string> {
    return pulumi.output(statements).apply((resolved) =>
        JSON.stringify({ Version: "2012-10-17", Statement: resolved }));
}

/**
 * Pull one repository's images. `GetAuthorizationToken` has no resource-level permission in IAM,
 * so it alone is on "*"; the layer and manifest reads are scoped to the repository.
 */
export function ecrPullStatements(repositoryArn: pulumi.Input<string>): PolicyStatement[] {
    return [
        { Sid: "EcrAuth", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
            Sid: "EcrPull",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeImages"],
            Resource: repositoryArn,
        },
    ];
}

/** Write to one log group (and its streams): the scoped equivalent of the basic execution policy. */
export function logWriteStatement(logGroupArn: pulumi.Input<string>): PolicyStatement {
    return {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${logGroupArn}:*`,
    };
}

/** X-Ray segment upload; X-Ray has no resource-level permissions, hence "*". */
export const XRAY_WRITE_STATEMENT: PolicyStatement = {
    Sid: "XRay",
    Effect: "Allow",
    Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    Resource: "*",
};
