/**
 * @polyarch/platform: the platform catalog (how each CPU architecture is spelled by Docker, Lambda,
 * ECS, Kubernetes and EKS, which EC2 families are Graviton, what each compute target runs) and the
 * price table. Pure data and functions with no Pulumi import: the components, the policy pack and
 * the tools all read it, and none keeps a copy.
 */
export * from "./platform";
export * from "./prices";
export * from "./compute-sizes";
