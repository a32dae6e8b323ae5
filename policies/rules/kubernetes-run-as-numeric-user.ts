import { ResourceValidationPolicy } from "@pulumi/policy";
import { KUBERNETES_WORKLOAD_TYPES, podSpecOf } from "../lib/consumers";
import { unverifiableNonRoot } from "../lib/pod-security";
import { configSchema, unlessExcluded } from "../lib/policy";
import { rawProps } from "../lib/props";

const WORKLOAD_TYPES = new Set(KUBERNETES_WORKLOAD_TYPES);

/**
 * `runAsNonRoot: true` without a numeric `runAsUser` leaves the kubelet to verify the image's USER,
 * and it refuses a name (`USER node`): every pod fails with CreateContainerConfigError and the
 * Deployment never becomes ready. Mocks and `pulumi up` both "succeed"; the pods never start.
 */
export const kubernetesRunAsNumericUser: ResourceValidationPolicy = {
    name: "kubernetes-run-as-numeric-user",
    description: "A Kubernetes workload that sets runAsNonRoot must also set a numeric, non-zero runAsUser (pod or container).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set securityContext.runAsUser and runAsGroup to the image's numeric uid/gid (e.g. 1000), and write " +
        "`USER 1000:1000` rather than `USER node` in the Dockerfile.",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        if (!WORKLOAD_TYPES.has(args.type)) {
            return;
        }
        for (const finding of unverifiableNonRoot(podSpecOf(args.type, rawProps(args.props)))) {
            report(`${args.type.split(":").pop()} '${args.name}', container '${finding.container}': ${finding.reason}; the kubelet ` +
                "refuses to start it (\"cannot verify user is non-root\"). Fix: set runAsUser/runAsGroup to numeric ids such as 1000.");
        }
    }),
};
