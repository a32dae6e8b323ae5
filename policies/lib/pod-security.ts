import { UNKNOWN, read } from "./props";

/** A container the kubelet will refuse to start, and why. */
export interface UnverifiableNonRoot {
    container: string;
    reason: string;
}

/**
 * Containers whose effective `runAsNonRoot` is true but whose effective `runAsUser` is not a
 * numeric non-root uid. The kubelet then has only the image's USER to go by, and refuses to start
 * the container when that is a name ("image has non-numeric user … cannot verify user is
 * non-root") or 0. Container settings override the pod's (the Kubernetes API's own precedence).
 * Unknown values are skipped: they are not a finding.
 */
export function unverifiableNonRoot(podSpec: unknown): UnverifiableNonRoot[] {
    if (podSpec === UNKNOWN || podSpec === null || typeof podSpec !== "object") {
        return [];
    }
    const spec = podSpec as Record<string, unknown>;
    const podNonRoot = read(spec, "securityContext", "runAsNonRoot");
    const podUser = read(spec, "securityContext", "runAsUser");
    const found: UnverifiableNonRoot[] = [];
    for (const list of ["initContainers", "containers"]) {
        const containers = read(spec, list);
        if (!Array.isArray(containers)) {
            continue;
        }
        containers.forEach((container: unknown, index: number) => {
            const c = (container ?? {}) as Record<string, unknown>;
            const nonRoot = read(c, "securityContext", "runAsNonRoot") ?? podNonRoot;
            const user = read(c, "securityContext", "runAsUser") ?? podUser;
            if (nonRoot !== true || user === UNKNOWN) {
                return;
            }
            const name = typeof c.name === "string" ? c.name : `${list}[${index}]`;
            if (user === undefined || user === null) {
                found.push({ container: name, reason: "runAsNonRoot is true but no runAsUser is set, so the image's USER decides, and a named USER is refused" });
            } else if (!Number.isInteger(user) || (user as number) < 1) {
                found.push({ container: name, reason: `runAsNonRoot is true but runAsUser is ${JSON.stringify(user)}` });
            }
        });
    }
    return found;
}
