/**
 * The polyarch stack program (`main: infra/` in Pulumi.yaml). Config errors surface as one line
 * naming the key (PolyarchInputError is a RunError: no stack trace, nothing registered).
 */
import * as pulumi from "@pulumi/pulumi";
import { deploymentNotices } from "./deployment-notices";
import { buildStack } from "./program";
import { loadRuntimeSettings } from "./runtime-config";

const { settings, secretServices } = loadRuntimeSettings();
// What no policy can enforce (where `pulumi up` must run, targets closing): the CLI shows these
// as info diagnostics, and `polyarch plan` as notices before its table.
for (const notice of deploymentNotices(settings)) {
    void pulumi.log.info(notice);
}
const stack = buildStack(settings, secretServices);

export const services = stack.services;
export const vpcId = stack.vpcId;
export const eksClusterName = stack.eksClusterName;
export const kubeconfig = stack.kubeconfig;
