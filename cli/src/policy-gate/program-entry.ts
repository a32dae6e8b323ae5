/**
 * Where the Pulumi CLI runs a Node.js program and which module it loads, reproduced for the gate:
 *
 * - pulumi/pulumi pkg/engine/project.go `getPwdMain`: with no `main`, the program runs in the
 *   project folder with entry point `.`; a `main` folder becomes the working directory (entry `.`);
 *   a `main` file runs in its own folder ("So that any relative paths inside of the program are
 *   correct, we still need to pass the pwd of the main program's parent directory"). A `main` that
 *   does not exist stops the CLI: "project 'main' could not be read".
 * - sdk/nodejs/cmd/pulumi-language-nodejs/main.go `constructArguments` passes that directory as
 *   `--pwd` and the entry point last; @pulumi/pulumi cmd/run/run.js `run` does `process.chdir(pwd)`,
 *   joins the entry to it and, when the entry is `.`, takes the nearest package manifest's `exports`
 *   or `main` (`resolveEntrypoint`: one that does not exist is warned about and ignored), then
 *   `require`s the result, a folder as `folder/` (so Node tries index.js before index.ts: run.js
 *   warns when both exist). A package with `"type": "module"` is `import()`ed instead.
 * - run.js hands ts-node `tsconfig.json` from that working directory (or the file Pulumi.yaml's
 *   `runtime.options.tsconfig` names: PULUMI_NODEJS_TSCONFIG_PATH), when it exists.
 */
import * as fs from "fs";
import { InputError } from "../input-error";
import * as path from "path";
import { ProgramError } from "./program-error";

export interface ProgramLocation {
    /** The directory the CLI runs the program in (`--pwd`). */
    workingDirectory: string;
    /** The module Node loads first. */
    entry: string;
    /** The nearest package manifest says `"type": "module"`: run.js `import()`s the entry and takes its default export. */
    esModule: boolean;
    /** The tsconfig.json run.js gives ts-node, if there is one. */
    tsconfig?: string;
    /** What the CLI warns about while finding the entry. */
    warnings: string[];
}

interface PackageManifest {
    main?: unknown;
    exports?: unknown;
    type?: unknown;
}

// @pulumi/pulumi's own manifest lookup (runtime/manifest.js, what run.js calls; package.json, then package.yaml).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const manifests = require("@pulumi/pulumi/runtime/manifest") as {
    searchupPackageManifest(startDir: string): string | undefined;
    readPackageManifest(dir: string): { data: PackageManifest; path: string };
};

const isDirectory = (file: string) => {
    try {
        return fs.statSync(file).isDirectory();
    } catch {
        return false;
    }
};

/**
 * @param projectRoot the folder holding Pulumi.yaml
 * @param main Pulumi.yaml `main`, if set
 * @param tsconfigOption Pulumi.yaml `runtime.options.tsconfig`, if set
 */
export function locateProgram(projectRoot: string, main: string | undefined, tsconfigOption: string | undefined): ProgramLocation {
    // project.go getPwdMain.
    let workingDirectory = projectRoot;
    let entryPoint = ".";
    if (main !== undefined && main !== "") {
        const target = path.resolve(projectRoot, main);
        if (!fs.existsSync(target)) {
            throw new InputError("Pulumi.yaml: main", `'${main}' does not exist (the CLI stops here too: "project 'main' could not be read")`);
        }
        if (isDirectory(target)) {
            workingDirectory = target;
        } else {
            workingDirectory = path.dirname(target);
            entryPoint = path.basename(target);
        }
    }

    // run.js run: the program, the package root and its manifest, and the manifest's entry point.
    const warnings: string[] = [];
    let program = path.join(workingDirectory, entryPoint);
    const manifestFile = manifests.searchupPackageManifest(isDirectory(program) ? program : path.dirname(program));
    const packageRoot = manifestFile === undefined ? workingDirectory : path.dirname(manifestFile);
    let manifest: PackageManifest = {};
    try {
        manifest = manifests.readPackageManifest(packageRoot).data ?? {};
    } catch {
        // run.js packageObjectFromProjectRoot: best effort.
    }
    if (entryPoint === ".") {
        const declared = manifestEntryPoint(manifest);
        if (declared !== undefined) {
            const candidate = path.join(packageRoot, declared);
            if (fs.existsSync(candidate)) {
                program = candidate;
            } else {
                // run.js resolveEntrypoint.
                warnings.push(`Could not find entry point '${declared}' specified in package.json; using '${path.relative(projectRoot, program) || "."}' instead`);
            }
        }
    }
    const folder = isDirectory(program);
    let entry: string;
    try {
        entry = require.resolve(folder ? `${program}${path.sep}` : program);
    } catch {
        const where = path.relative(projectRoot, program) || ".";
        throw new ProgramError(folder
            ? `no program to run: '${where}' has no index.js or index.ts, and neither Pulumi.yaml nor package.json names a 'main' ` +
              "(the CLI: \"We failed to locate the entry point for your program\")"
            : `no program to run: '${where}' cannot be loaded (the CLI: "We failed to locate the entry point for your program")`);
    }
    if (folder && path.basename(entry) === "index.js" && fs.existsSync(path.join(program, "index.ts"))) {
        warnings.push("Found a TypeScript project containing an index.js file and no explicit entrypoint in Pulumi.yaml - Pulumi will use index.js");
    }

    // run.js: PULUMI_NODEJS_TSCONFIG_PATH (Pulumi.yaml's option) or tsconfig.json, from the working directory.
    let tsconfig: string | undefined = path.resolve(workingDirectory, tsconfigOption ?? "tsconfig.json");
    if (!fs.existsSync(tsconfig)) {
        if (tsconfigOption !== undefined) {
            throw new InputError("Pulumi.yaml: runtime.options.tsconfig", `tsconfig path was set to ${tsconfigOption} but the file was not found`);
        }
        tsconfig = undefined;
    }
    return { workingDirectory, entry, esModule: manifest.type === "module", tsconfig, warnings };
}

/** run.js: package.json `exports` (a string, or `"."` as a string or its default/require/import), else `main`. */
function manifestEntryPoint(manifest: PackageManifest): string | undefined {
    const { exports, main } = manifest;
    if (typeof exports === "string") {
        return exports;
    }
    if (typeof exports === "object" && exports !== null) {
        const mainExport = (exports as Record<string, unknown>)["."];
        if (typeof mainExport === "string") {
            return mainExport;
        }
        if (typeof mainExport === "object" && mainExport !== null) {
            const conditions = mainExport as Record<string, unknown>;
            const chosen = conditions.default || conditions.require || conditions.import;
            return typeof chosen === "string" ? chosen : undefined;
        }
        return undefined;
    }
    return typeof main === "string" && main !== "" ? main : undefined;
}
