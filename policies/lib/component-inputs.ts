import { Policies, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { AWSX_ECS_SERVICE_TYPES, AWSX_ECS_TASK_DEFINITION_TYPES } from "./consumers/awsx-ecs";
import { EKS_NODE_COMPONENT_TYPES } from "./consumers/eks-components";
import { rawProps } from "./props";

/**
 * Components the pack judges from their own inputs (multi-language components of awsx and
 * @pulumi/eks), and the resource type each creates that would otherwise be judged a second time.
 *
 * Why inputs have to be remembered: the engine's Analyze sends a resource's inputs, but
 * AnalyzeStack sends its outputs (pulumi/pulumi pkg/resource/deploy, "AnalyzeStack is called on
 * the final outputs"), and a component's outputs are only what it registers (awsx's FargateService:
 * `service`, `taskDefinition`). The pack process lives for one deployment, so what each component's
 * Analyze saw is kept here, by URN, for the stack rules that need the graph.
 */
const COVERED_CHILDREN: ReadonlyMap<string, string> = new Map([
    ["awsx:ecr:Image", "docker-build:index:Image"] as const,
    ...[...AWSX_ECS_TASK_DEFINITION_TYPES, ...AWSX_ECS_SERVICE_TYPES].map((type) => [type, "aws:ecs/taskDefinition:TaskDefinition"] as const),
    ...EKS_NODE_COMPONENT_TYPES.map((type) => [type, "aws:eks/nodeGroup:NodeGroup"] as const),
]);

interface Remembered {
    type: string;
    parent: string;
    props: Record<string, unknown>;
}

const remembered = new Map<string, Remembered>();

/** Whether the pack judges a resource type from its inputs (a component it has a consumer module for). */
export function isJudgedComponent(type: string): boolean {
    return COVERED_CHILDREN.has(type);
}

/** Whether a judged component of type `component` creates resources of type `child` (which it is judged for). */
export function coversChild(component: string, child: string): boolean {
    return COVERED_CHILDREN.get(component) === child;
}

/** Records a judged component's inputs as its Analyze saw them. */
export function rememberInputs(args: Pick<ResourceValidationArgs, "type" | "urn" | "props" | "opts">): void {
    if (COVERED_CHILDREN.has(args.type)) {
        remembered.set(args.urn, { type: args.type, parent: args.opts?.parent ?? "", props: rawProps(args.props) });
    }
}

/** A judged component's inputs, when its Analyze ran in this process (never under `pulumi policy analyze` of a state file). */
export function rememberedInputs(resource: { type: string; urn: string }): Record<string, unknown> | undefined {
    const entry = remembered.get(resource.urn);
    return entry?.type === resource.type ? entry.props : undefined;
}

/**
 * Whether a resource is already judged through a component above it: its nearest ancestor that
 * is a judged component of a kind that creates resources of this type, whose inputs were seen
 * and say something (`applies`). Then the finding is the component's, once, and not repeated on
 * the child its provider created from the same inputs.
 */
export function judgedByAncestor(type: string, parentUrn: string | undefined,
    applies: (component: { type: string; props: Record<string, unknown> }) => boolean): boolean {
    for (let urn = parentUrn ?? ""; urn !== "";) {
        const entry = remembered.get(urn);
        if (entry === undefined) {
            return false;
        }
        if (coversChild(entry.type, type) && applies(entry)) {
            return true;
        }
        urn = entry.parent;
    }
    return false;
}

/**
 * The pack's policies with every resource validation first remembering a judged component's
 * inputs. Any enabled resource rule sees every resource, so the memory fills whatever a stack's
 * config disables.
 */
export function rememberingComponentInputs(policies: Policies): Policies {
    return policies.map((policy) => {
        if (!("validateResource" in policy) || policy.validateResource === undefined) {
            return policy;
        }
        const validations: ResourceValidation[] = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        return {
            ...policy,
            validateResource: validations.map((validate): ResourceValidation => (args, report) => {
                rememberInputs(args);
                return validate(args, report);
            }),
        };
    });
}
