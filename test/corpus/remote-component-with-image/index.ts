// A multi-language component of a package polyarch has no consumer module for, given an image.
// `remote: true` is what every generated multi-language SDK passes (as awsx's and eks's do).
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";

const image = new dockerBuild.Image("worker-image", {
    context: { location: "./app" },
    platforms: ["linux/arm64"],
    push: true,
    tags: ["123456789012.dkr.ecr.us-west-2.amazonaws.com/worker:v1"],
});

class QueueWorker extends pulumi.ComponentResource {
    constructor(name: string, args: { image: pulumi.Input<string>; concurrency: number }, opts?: pulumi.ComponentResourceOptions) {
        super("acme:index:QueueWorker", name, args, opts, true);
    }
}
new QueueWorker("worker", { image: image.ref, concurrency: 4 });
