// Zip Lambdas behind an HTTP API, the way most serverless programs are written: no packageType
// (the provider and AWS default it to Zip) and no architectures.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const role = new aws.iam.Role("handlers", {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
    managedPolicyArns: [aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole],
});
const api = new aws.apigatewayv2.Api("items", { protocolType: "HTTP" });

for (const [route, handler] of [["GET /items", "list"], ["POST /items", "create"]] as const) {
    const fn = new aws.lambda.Function(handler, {
        runtime: aws.lambda.Runtime.NodeJS22dX,
        handler: `index.${handler}`,
        role: role.arn,
        code: new pulumi.asset.FileArchive("./handlers"),
        tracingConfig: { mode: "Active" },
    });
    const integration = new aws.apigatewayv2.Integration(handler, {
        apiId: api.id,
        integrationType: "AWS_PROXY",
        integrationUri: fn.invokeArn,
        payloadFormatVersion: "2.0",
    });
    new aws.apigatewayv2.Route(handler, { apiId: api.id, routeKey: route, target: pulumi.interpolate`integrations/${integration.id}` });
    new aws.lambda.Permission(handler, {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
    });
}
new aws.apigatewayv2.Stage("default", { apiId: api.id, name: "$default", autoDeploy: true });

export const url = api.apiEndpoint;
