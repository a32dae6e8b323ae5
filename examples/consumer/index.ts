import * as pulumi from "@pulumi/pulumi";
import { deployOrders } from "./program";

const config = new pulumi.Config();
const result = deployOrders({
    vpcId: config.require("vpcId"),
    privateSubnetIds: config.requireObject<string[]>("privateSubnetIds"),
    publicSubnetIds: config.requireObject<string[]>("publicSubnetIds"),
});

export const imageUri = result.imageUri;
export const architecture = result.architecture;
export const url = result.url;
