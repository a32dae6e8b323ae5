import { CONSUMERS } from "polyarch-policies/dist/lib/consumers";
import { isJudgedComponent } from "polyarch-policies/dist/lib/component-inputs";
import { StackIndex, describeResource, isImageType } from "polyarch-policies/dist/lib/images";
import { RecordedResource } from "../recording-monitor";
import { PolicyConfig } from "./analyzer-client";
import { ReportDiagnostic } from "./report-types";
import { toGraph } from "./service-table";

/** The rule whose level decides how an architecture the gate cannot see is judged. */
const VERIFIABLE_RULE = "architecture-verifiable";

export interface UnexpandedComponents {
    notices: string[];
    diagnostics: ReportDiagnostic[];
}

/**
 * Multi-language components (`remote: true`: awsx 3, @pulumi/eks 4 and the like) are constructed
 * by their own provider, which the real engine starts and the gate does not: under the gate they
 * have no children. Say so, with each type and count. The pack judges the ones it has a consumer
 * module for from their inputs; any other that is given an image runs it on compute the gate
 * cannot see, which is judged as any unverifiable architecture is: under architecture-verifiable's
 * level and exclusions in the stack's policy config (advisory in dev, mandatory in prod).
 */
export function unexpandedComponents(recorded: RecordedResource[], config: Record<string, PolicyConfig>): UnexpandedComponents {
    const parents = new Set(recorded.map((r) => r.parent));
    const unexpanded = recorded.filter((r) => r.remote && !parents.has(r.urn));
    if (unexpanded.length === 0) {
        return { notices: [], diagnostics: [] };
    }
    const counts = new Map<string, number>();
    for (const r of unexpanded) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    const types = [...counts.keys()].sort();
    const judged = types.filter((type) => isJudgedComponent(type) || isImageType(type));
    const notices = [`${unexpanded.length} multi-language ${unexpanded.length === 1 ? "component was" : "components were"} not ` +
        `expanded (the gate does not run their providers, so nothing they create is checked): ` +
        `${types.map((type) => `${type} ×${counts.get(type)}`).join(", ")}` +
        (judged.length > 0 ? `. Judged from their own inputs: ${judged.join(", ")}` : "") +
        ". `pulumi preview --policy-pack` with the real CLI expands them"];

    const diagnostics: ReportDiagnostic[] = [];
    const rule = config[VERIFIABLE_RULE];
    const level = rule?.enforcementLevel ?? "disabled";
    if (level === "disabled") {
        return { notices, diagnostics };
    }
    const excluded = new Set(Array.isArray(rule.properties?.excludeResourceNames) ? rule.properties.excludeResourceNames as string[] : []);
    const graph = new Map(toGraph(recorded).map((node) => [node.urn, node]));
    const index = new StackIndex([...graph.values()]);
    for (const r of unexpanded) {
        const node = graph.get(r.urn);
        if (node === undefined || isJudgedComponent(r.type) || CONSUMERS.has(r.type) || isImageType(r.type) || excluded.has(r.name)) {
            continue;
        }
        const images = index.imagesBehind(node, Object.keys(node.propertyDependencies));
        if (images.length === 0) {
            continue;
        }
        diagnostics.push({
            policy: VERIFIABLE_RULE,
            urn: r.urn,
            level: level === "remediate" ? "mandatory" : level,
            message: `'${r.name}' (${r.type}) is a multi-language component the gate cannot expand, and it is given image ` +
                `${images.map(({ resource }) => describeResource(resource)).join(", ")}: the compute it runs the image on, and so ` +
                "its architecture, cannot be verified here. Fix: gate this stack with `pulumi preview --policy-pack`, which runs the " +
                `component's provider, or exclude '${r.name}' from ${VERIFIABLE_RULE} in the policy config with a reason.`,
        });
    }
    return { notices, diagnostics };
}
