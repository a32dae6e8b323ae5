import { StackSettings } from "./config";

/**
 * What a person deploying this stack must know that no policy can enforce: facts about where
 * `pulumi up` has to run and which targets are closing. The plan prints them before the table.
 */
export function deploymentNotices(settings: StackSettings): string[] {
    const notices: string[] = [];
    const eksServices = settings.services.filter((s) => s.target === "eks");
    if (eksServices.length > 0 && !settings.eks.endpointPublicAccess) {
        notices.push(`the EKS API endpoint is private (polyarch:eks.endpointPublicAccess false) and ${eksServices.length} ` +
            `Kubernetes workload(s) (${eksServices.map((s) => s.name).join(", ")}) are applied through it: run \`pulumi preview\` ` +
            "and `pulumi up` for this stack from inside its VPC (the workflows' prod jobs use the self-hosted runner labelled " +
            "by the POLYARCH_PROD_RUNNER repository variable, default 'polyarch-prod-vpc'; README: Private EKS endpoint)");
    }
    for (const service of settings.services.filter((s) => s.target === "apprunner")) {
        notices.push(`service '${service.name}' targets App Runner, which has been closed to new customers since 2026-04-30: ` +
            "it deploys only in accounts that already use App Runner. New accounts: change its target to 'ecs' (Fargate, " +
            "either architecture) as the README's \"Moving off App Runner\" shows");
    }
    return notices;
}
