/**
 * The four packages as `npm pack` makes them (what `npm publish` uploads), packed once for every
 * packaging suite, and the versions the repository pins for what their consumers install beside them.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO = path.resolve(__dirname, "..", "..");
export const PINNED = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
export const COMPONENT_PINS = (JSON.parse(fs.readFileSync(path.join(REPO, "components", "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies;

export function npm(args: string[], cwd: string): string {
    const result = spawnSync("npm", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    assert.equal(result.status, 0, `npm ${args.join(" ")} failed:\n${result.stderr}`);
    return result.stdout;
}

export interface Tarballs {
    "@polyarch/platform": string;
    "@polyarch/components": string;
    "polyarch-policies": string;
    "@polyarch/cli": string;
}

let packed: Tarballs | undefined;

/** Builds the workspaces and packs the four packages into a temp folder (once per mocha run). */
export function tarballs(): Tarballs {
    if (packed === undefined) {
        npm(["run", "build", "--workspaces"], REPO);
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-tarballs-"));
        const files = (JSON.parse(npm(["pack", "--json", "-w", "platform", "-w", "components", "-w", "policies", "-w", "cli", "--pack-destination", folder], REPO)) as { name: string; filename: string }[]);
        const file = (name: string) => path.join(folder, files.find((p) => p.name === name)?.filename ?? assert.fail(`npm pack made no tarball for ${name}`));
        packed = { "@polyarch/platform": file("@polyarch/platform"), "@polyarch/components": file("@polyarch/components"), "polyarch-policies": file("polyarch-policies"), "@polyarch/cli": file("@polyarch/cli") };
    }
    return packed;
}
