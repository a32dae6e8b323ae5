import { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULT_INSTANCE_TYPES, EKS_AMI_TYPES } from "@polyarch/platform";
import { componentApplies, nodeGroupArchitecture } from "../lib/consumers";
import { judgedByAncestor } from "../lib/component-inputs";
import { configSchema, unlessExcluded } from "../lib/policy";

/**
 * A node group whose AMI and instance types disagree fails to join (an arm64 AMI cannot boot on an
 * m5). With a launch-template AMI the instance types must at least agree with each other.
 */
export const eksNodeGroupArchitectureConsistent: ResourceValidationPolicy = {
    name: "eks-nodegroup-architecture-consistent",
    description: "An EKS node group's AMI type (aws.eks.NodeGroup, or @pulumi/eks's node groups and cluster) must be one EKS has, and it " +
        "and every instance type must be the same architecture.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Use Graviton instance types (m7g, c7g, r7g, t4g…) with *_ARM_64 AMI types, and x86 types with *_x86_64 AMI types (EKS spells them lower-case); " +
        "split mixed fleets into one node group per architecture.",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        // An @pulumi/eks component is judged from its inputs; the aws.eks.NodeGroup its provider
        // creates from them under the real CLI is then not reported a second time.
        const result = judgedByAncestor(args.type, args.opts.parent, componentApplies) ? undefined : nodeGroupArchitecture(args);
        if (result?.kind === "invalid-ami") {
            report(`EKS node group '${args.name}': amiType '${result.amiType}' is not an EKS AMI type, so EKS refuses it and ` +
                `its architecture is unknown. Fix: use one of ${Object.keys(EKS_AMI_TYPES).filter((t) => t.startsWith("AL2023_")).join(", ")} ` +
                "(ARM_64 is upper-case, x86_64 lower-case), or CUSTOM with a launch template.");
            return;
        }
        if (result?.kind !== "mixed") {
            return;
        }
        const offenders = result.offenders.map((o) => `${o.instanceType} (${o.architecture})`).join(", ");
        const basis = result.amiArchitecture ? `AMI type ${result.amiType} boots ${result.expected}` : `its other instance types are ${result.expected}`;
        report(`EKS node group '${args.name}': ${basis} but ${offenders} ${result.offenders.length > 1 ? "are" : "is"} not. ` +
            `Fix: use ${result.expected} instance types such as ${DEFAULT_INSTANCE_TYPES[result.expected].join(", ")}, or a separate node group.`);
    }),
};
