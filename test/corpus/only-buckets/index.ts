// No workload at all: nothing runs an image, so the gate has nothing to check.
import * as aws from "@pulumi/aws";

const logs = new aws.s3.Bucket("logs");
new aws.s3.BucketPublicAccessBlock("logs", {
    bucket: logs.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
});
export const bucketName = logs.bucket;
