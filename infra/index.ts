/**
 * The polyarch stack program (`main: infra/` in Pulumi.yaml). Config errors surface as one line
 * naming the key (PolyarchInputError is a RunError: no stack trace, nothing registered).
 */
import { buildStack } from "./program";
import { loadRuntimeSettings } from "./runtime-config";

const { settings, secretServices } = loadRuntimeSettings();
const stack = buildStack(settings, secretServices);

export const services = stack.services;
export const vpcId = stack.vpcId;
export const eksClusterName = stack.eksClusterName;
export const kubeconfig = stack.kubeconfig;
