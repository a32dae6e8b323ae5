import { ComputeTarget } from "../components/platform";
import { StackSettings } from "./config";
import { TARGET_MODULES } from "./targets";
import { TargetModule } from "./targets/target-module";

/**
 * What a person deploying this stack must know that no policy can enforce: facts about where
 * `pulumi up` has to run and which targets are closing, from each target's module. The plan
 * prints them before the table.
 */
export function deploymentNotices(settings: StackSettings): string[] {
    return (Object.values(TARGET_MODULES) as TargetModule<ComputeTarget>[]).flatMap((module) =>
        module.notices?.(settings.services.filter((s) => s.target === module.target) as never, settings) ?? []);
}
