import { EcsService, ServiceImage, ServiceRepository, platform } from "@polyarch/components";
import * as path from "path";

export interface ConsumerArgs {
    vpcId: string;
    privateSubnetIds: string[];
    publicSubnetIds: string[];
}

/**
 * One HTTP service on Fargate. The team states its architecture once, on the image; the task
 * definition's CPU architecture follows from it.
 */
export function deployOrders(args: ConsumerArgs) {
    const repository = new ServiceRepository("orders", { immutableTags: true });
    const image = new ServiceImage("orders", {
        repository,
        context: path.join(__dirname, "app"),
        architecture: platform.defaultArchitecture("ecs"),
    });
    const service = new EcsService("orders", {
        image,
        vpcId: args.vpcId,
        subnetIds: args.privateSubnetIds,
        loadBalancerSubnetIds: args.publicSubnetIds,
        cpu: 512,
        memory: 1024,
    });
    return { imageUri: image.imageUri, architecture: service.architecture, url: service.url };
}
