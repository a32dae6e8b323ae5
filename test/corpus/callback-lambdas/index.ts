// Lambdas from JavaScript callbacks: @pulumi/aws serializes each closure into a zip function
// (closure serialization needs Node.js 22 or later with @pulumi/pulumi 3.270).
import * as aws from "@pulumi/aws";

const uploads = new aws.s3.Bucket("uploads");
uploads.onObjectCreated("on-upload", async (event) => {
    for (const record of event.Records ?? []) {
        console.log(`new object ${record.s3.object.key}`);
    }
});

const cleanup = new aws.lambda.CallbackFunction("cleanup", {
    runtime: aws.lambda.Runtime.NodeJS22dX,
    callback: async () => ({ cleaned: 0 }),
});
aws.cloudwatch.onSchedule("nightly", "cron(0 3 * * ? *)", cleanup);

export const bucketName = uploads.bucket;
