import { sizeProblem } from "@polyarch/platform";
import { ConfigError } from "../config-error";

/** CPU and memory are pairs, not ranges: the component's own table, with the component's defaults. */
export function checkSize(
    table: Readonly<Record<number, readonly number[]>>, label: string, defaultCpu: number,
    service: { cpu?: number; memory?: number }, at: (key: string) => string,
): void {
    const cpu = service.cpu ?? defaultCpu;
    const problem = sizeProblem(table, label, cpu, service.memory ?? table[cpu]?.[0] ?? 0);
    if (problem !== undefined) {
        throw new ConfigError(at(problem.field), problem.reason);
    }
}
