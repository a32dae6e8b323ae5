/**
 * The resource types that run images, one module per kind. A new kind is a new module here plus
 * its row in the catalog; the rules, the registry lookups and the plan's table read them from
 * {@link CONSUMERS}.
 */
import { appRunnerConsumer } from "./apprunner";
import { AWSX_ECS_CONSUMERS } from "./awsx-ecs";
import { Consumer } from "./consumer";
import { ecsConsumer } from "./ecs";
import { ecsExpressConsumer } from "./ecs-express";
import { KUBERNETES_WORKLOAD_TYPES, kubernetesConsumer } from "./kubernetes";
import { lambdaConsumer } from "./lambda";
import { nodeShape } from "./eks-node-group";
import { isJudgedComponent, judgedByAncestor, rememberedInputs } from "../component-inputs";
import { rawProps } from "../props";

export * from "./consumer";
export * from "./apprunner";
export * from "./awsx-ecs";
export * from "./eks-components";
export * from "./ecs";
export * from "./ecs-express";
export * from "./eks-node-group";
export * from "./kubernetes";
export * from "./lambda";

/** Every consumer polyarch checks, by type. */
export const CONSUMERS: ReadonlyMap<string, Consumer> = new Map(
    [lambdaConsumer, appRunnerConsumer, ecsConsumer, ecsExpressConsumer, ...AWSX_ECS_CONSUMERS, ...KUBERNETES_WORKLOAD_TYPES.map(kubernetesConsumer)]
        .map((c) => [c.type, c]));

/** Whether a judged component's inputs say what it runs: an awsx service with `taskDefinitionArgs`, an eks node group. */
export function componentApplies(component: { type: string; props: Record<string, unknown> }): boolean {
    const consumer = CONSUMERS.get(component.type);
    return consumer !== undefined
        ? consumer.architectures(component.props).kind !== "not-applicable"
        : nodeShape(component.type, component.props) !== undefined;
}

/**
 * What a stack rule reads for a resource: its props (AnalyzeStack's outputs), or for a judged
 * component the inputs its Analyze saw; undefined when the resource is not judged here, being a
 * component whose inputs never reached the pack, or a resource its component was judged for.
 */
export function judgedProps(resource: { type: string; urn: string; props: unknown; parent?: { urn: string } }): Record<string, unknown> | undefined {
    if (judgedByAncestor(resource.type, resource.parent?.urn, componentApplies)) {
        return undefined;
    }
    return isJudgedComponent(resource.type) ? rememberedInputs(resource) : rawProps(resource.props);
}
