import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { architecturesForTarget } from "./compute-architecture";
import { refuse, requirePort } from "./errors";
import { ImageReference } from "./image-reference";
import { Architecture, KUBERNETES_ARCH_LABEL, kubernetesArch, runtimeEnvironmentForAny } from "./platform";

const TYPE = "polyarch:kubernetes:Workload";

export interface WorkloadArgs {
    /**
     * Image to run; the pod's node selection on `kubernetes.io/arch` is derived from it: a
     * `nodeSelector` for a single-platform image, a required node affinity over every covered
     * architecture (that the cluster has nodes of) for an index.
     */
    image: ImageReference;
    /** Architectures the cluster has node groups for; an image with none to run on is refused. */
    nodeArchitectures?: Architecture[];
    /** Namespace. Default `default`. */
    namespace?: pulumi.Input<string>;
    /** Pod replicas. Default 2. */
    replicas?: number;
    /** Container port. Default 8080. */
    port?: number;
    /** HTTP path for readiness and liveness probes. Default `/healthz`. */
    healthCheckPath?: string;
    /** vCPU request per pod (e.g. 0.25). Default 0.25. */
    cpu?: number;
    /** Memory request and limit per pod in MiB. Default 256. */
    memoryMiB?: number;
    /** Environment variables, merged over the per-architecture runtime settings. */
    environment?: Record<string, pulumi.Input<string>>;
    /**
     * Numeric uid and gid the containers run as. With `runAsNonRoot` the kubelet refuses an image
     * whose USER is a name ("cannot verify user is non-root"), so the pod states the numbers itself.
     * Default 1000:1000 (the Node images' `node` user, which polyarch's Dockerfiles set as `USER 1000:1000`).
     */
    runAs?: { user: number; group: number };
}

/** pulumi-kubernetes' per-resource switch for forcing server-side apply over other field managers. */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";

/** The uid:gid the sample images run as (`USER 1000:1000`): the official Node images' `node` user. */
export const DEFAULT_RUN_AS = { user: 1000, group: 1000 } as const;

/**
 * A Kubernetes Deployment and ClusterIP Service pinned to nodes of the image's architecture(s), so a
 * mixed cluster never schedules an arm64 image onto an x86 node (or the reverse).
 */
export class Workload extends pulumi.ComponentResource {
    public readonly deployment: k8s.apps.v1.Deployment;
    public readonly service: k8s.core.v1.Service;
    /** The first architecture its pods may run on (the image's own for a single-platform image). */
    public readonly architecture: Architecture;
    /** Every architecture its pods may run on. */
    public readonly architectures: readonly Architecture[];
    /** In-cluster DNS name of the service. */
    public readonly endpoint: pulumi.Output<string>;

    constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        const covered = architecturesForTarget(TYPE, name, "eks", args.image);
        const runnable = args.nodeArchitectures === undefined ? covered : covered.filter((a) => args.nodeArchitectures?.includes(a));
        if (runnable.length === 0) {
            throw refuse(TYPE, name, "image", `the image is ${covered.join(", ")} but the cluster only has ` +
                `${args.nodeArchitectures?.join(", ") || "no"} node groups; add a ${covered[0]} node group or rebuild the image`);
        }
        const port = args.port ?? 8080;
        const replicas = args.replicas ?? 2;
        const cpu = args.cpu ?? 0.25;
        const memoryMiB = args.memoryMiB ?? 256;
        if (!Number.isInteger(replicas) || replicas < 0) {
            throw refuse(TYPE, name, "replicas", `got ${replicas}; use a whole number >= 0`);
        }
        requirePort(TYPE, name, port);
        const runAs = args.runAs ?? DEFAULT_RUN_AS;
        for (const [key, id] of Object.entries(runAs)) {
            if (!Number.isInteger(id) || id < 1 || id > 2147483647) {
                throw refuse(TYPE, name, `runAs.${key}`, `got ${id}; use a numeric id from 1 (0 is root, which runAsNonRoot refuses)`);
            }
        }
        super(TYPE, name, {}, opts);

        const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "polyarch" };
        const environment = { ...runtimeEnvironmentForAny(runnable, cpu), ...args.environment };
        const probe = { httpGet: { path: args.healthCheckPath ?? "/healthz", port } };
        this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
            metadata: {
                namespace: args.namespace,
                labels,
                // A `kubectl rollout undo` (the fast rollback) takes the pod template's fields over for
                // its own field manager; the next `pulumi up` that changes them would then fail with a
                // server-side apply conflict. pulumi-kubernetes `provider/pkg/await/await.go` patchForce
                // forces the apply when this annotation is "true", so the program stays the authority.
                annotations: { [PATCH_FORCE_ANNOTATION]: "true" },
            },
            spec: {
                replicas,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        ...nodeSelection(runnable),
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: runAs.user,
                            runAsGroup: runAs.group,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        containers: [{
                            name,
                            image: args.image.imageUri,
                            ports: [{ containerPort: port, name: "http" }],
                            env: Object.entries(environment).map(([key, value]) => ({ name: key, value })),
                            resources: {
                                requests: { cpu: `${Math.round(cpu * 1000)}m`, memory: `${memoryMiB}Mi` },
                                limits: { memory: `${memoryMiB}Mi` },
                            },
                            readinessProbe: { ...probe, periodSeconds: 5 },
                            livenessProbe: { ...probe, periodSeconds: 10, failureThreshold: 3 },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                capabilities: { drop: ["ALL"] },
                            },
                        }],
                    },
                },
            },
        }, { parent: this });

        // A node group replaced (amiType, instanceTypes, capacityType are ForceNew) or updated (AMI
        // release) drains its nodes: a deleted group is scaled to zero and each node drained before
        // it is terminated, forcibly after 5 minutes (AWS docs: "Delete a managed node group").
        // Evictions honour this budget, so the drain takes one pod at a time and waits for its
        // replacement to be ready on the remaining nodes. A pod that is not ready never blocks a drain.
        new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
            metadata: { namespace: args.namespace, labels },
            spec: { maxUnavailable: 1, selector: { matchLabels: labels }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
        }, { parent: this });

        this.service = new k8s.core.v1.Service(`${name}-service`, {
            metadata: { namespace: args.namespace, labels },
            spec: { type: "ClusterIP", selector: labels, ports: [{ port: 80, targetPort: port, name: "http" }] },
        }, { parent: this });

        this.architecture = runnable[0];
        this.architectures = runnable;
        this.endpoint = pulumi.interpolate`${this.service.metadata.name}.${this.service.metadata.namespace}.svc.cluster.local`;
        this.registerOutputs({ architecture: this.architecture, architectures: runnable, endpoint: this.endpoint });
    }
}

/**
 * One architecture: a `nodeSelector`. Several (an index on a mixed cluster): a required node
 * affinity `kubernetes.io/arch In [...]`, so the scheduler may use any node group the index covers.
 */
function nodeSelection(architectures: readonly Architecture[]): Record<string, unknown> {
    if (architectures.length === 1) {
        return { nodeSelector: { [KUBERNETES_ARCH_LABEL]: kubernetesArch(architectures[0]) } };
    }
    return {
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{
                        matchExpressions: [{ key: KUBERNETES_ARCH_LABEL, operator: "In", values: architectures.map(kubernetesArch) }],
                    }],
                },
            },
        },
    };
}
