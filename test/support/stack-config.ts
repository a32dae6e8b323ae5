import { readStackFile } from "../../cli/src/stack-file";
import { PROJECT_ROOT } from "./run-infra";

/** The dev stack's config with `polyarch:services` (and other keys) replaced, as the CLI would pass it. */
export function devConfigWith(changes: Record<string, unknown>, drop: string[] = []): Record<string, string> {
    const config = { ...readStackFile(PROJECT_ROOT, "dev").config };
    for (const key of drop) {
        delete config[key];
    }
    for (const [key, value] of Object.entries(changes)) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}

/** The dev services, each entry patched by `patch(entry, index)`. */
export function devServices(patch: (entry: Record<string, unknown>, index: number) => Record<string, unknown> | undefined = (e) => e): unknown[] {
    const services = JSON.parse(readStackFile(PROJECT_ROOT, "dev").config["polyarch:services"]) as Record<string, unknown>[];
    return services.map((entry, index) => patch({ ...entry }, index)).filter((e) => e !== undefined);
}
