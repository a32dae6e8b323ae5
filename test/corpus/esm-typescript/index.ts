import * as aws from "@pulumi/aws";
import { bucketName } from "./naming.js";

const assets = new aws.s3.Bucket(bucketName("site"));
export const name = assets.bucket;
