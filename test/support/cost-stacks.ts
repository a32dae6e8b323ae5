import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { REPO } from "./plan-cli";

let counter = 0;

/** A stack file like dev's with its services patched, as a user would edit Pulumi.<stack>.yaml; removed after the test. */
export function stackLike(base: "dev" | "prod" | "targets", patch: (services: Record<string, unknown>[], config: Record<string, unknown>) => void): string {
    const doc = parse(fs.readFileSync(path.join(REPO, `Pulumi.${base}.yaml`), "utf8")) as { config: Record<string, unknown> };
    patch(doc.config["polyarch:services"] as Record<string, unknown>[], doc.config);
    const stack = `zz-test-cost-${process.pid}-${++counter}`;
    fs.writeFileSync(path.join(REPO, `Pulumi.${stack}.yaml`), stringify(doc));
    return stack;
}

export function removeStack(stack: string): void {
    fs.rmSync(path.join(REPO, `Pulumi.${stack}.yaml`), { force: true });
}
