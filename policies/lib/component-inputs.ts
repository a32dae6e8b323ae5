import { Policies, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { AWSX_ECS_SERVICE_TYPES, AWSX_ECS_TASK_DEFINITION_TYPES } from "./consumers/awsx-ecs";
import { EKS_MANAGED_NODE_GROUP_COMPONENT, EKS_NODE_COMPONENT_TYPES } from "./consumers/eks-components";
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
 *
 * What Analyze sees of a component depends on who registers it. The gate sends the program's own
 * registration, with its inputs. Under the CLI the engine hands a remote registration to the
 * provider's Construct (source_eval.go: remote components do not go through the step generator),
 * and what is analyzed is the provider's registration of it, which awsx's and eks's providers make
 * with no properties (their pinned SDKs send `{}` for a component). An empty property map is
 * therefore taken as "not seen", and the children are judged instead.
 *
 * Only the kinds whose provider creates a resource of a type the pack judges cover it: awsx's ECS
 * components an aws.ecs.TaskDefinition, awsx's image a docker-build Image, eks's ManagedNodeGroup
 * an aws.eks.NodeGroup (its Cluster and self-managed node groups create launch templates and Auto
 * Scaling groups, so an aws.eks.NodeGroup under them is the user's own and is judged).
 */
const COVERED_CHILDREN: ReadonlyMap<string, string> = new Map([
    ["awsx:ecr:Image", "docker-build:index:Image"] as const,
    ...[...AWSX_ECS_TASK_DEFINITION_TYPES, ...AWSX_ECS_SERVICE_TYPES].map((type) => [type, "aws:ecs/taskDefinition:TaskDefinition"] as const),
    [EKS_MANAGED_NODE_GROUP_COMPONENT, "aws:eks/nodeGroup:NodeGroup"] as const,
]);
/** Every component judged from its inputs: those above, and eks's other node-running components. */
const JUDGED_COMPONENTS: ReadonlySet<string> = new Set([...COVERED_CHILDREN.keys(), ...EKS_NODE_COMPONENT_TYPES]);

interface Remembered {
    type: string;
    parent: string;
    /** Undefined when its Analyze had no properties (not seen: see above). */
    props?: Record<string, unknown>;
}

const remembered = new Map<string, Remembered>();

/** Whether the pack judges a resource type from its inputs (a component it has a consumer module for). */
export function isJudgedComponent(type: string): boolean {
    return JUDGED_COMPONENTS.has(type);
}

/** Whether a judged component of type `component` creates resources of type `child` (which it is judged for). */
export function coversChild(component: string, child: string): boolean {
    return COVERED_CHILDREN.get(component) === child;
}

/** Records a judged component's inputs as its Analyze saw them. */
export function rememberInputs(args: Pick<ResourceValidationArgs, "type" | "urn" | "props" | "opts">): void {
    if (JUDGED_COMPONENTS.has(args.type)) {
        const props = rawProps(args.props);
        // Nothing seen is not a component without inputs: under the CLI it is the provider's own
        // registration. Its parent is kept all the same, for the walk up from its children.
        remembered.set(args.urn, { type: args.type, parent: args.opts?.parent ?? "", props: Object.keys(props).length > 0 ? props : undefined });
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
        if (entry.props !== undefined && coversChild(entry.type, type) && applies({ type: entry.type, props: entry.props })) {
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
