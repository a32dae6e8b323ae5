/**
 * A project installed with Plug'n'Play (Yarn's default linker, or pnpm's `nodeLinker: pnp`) has
 * no node_modules, only a `.pnp.cjs` resolver. Pulumi's Node.js host finds @pulumi/pulumi's run.js
 * with a plain `node -e "require.resolve('@pulumi/pulumi/cmd/run')"` in the program's folder
 * (pulumi-language-nodejs main.go `locateModule`), in the environment it was started with: it
 * resolves only when that environment loads the resolver (`yarn run` and `yarn exec` put
 * `--require .pnp.cjs` in NODE_OPTIONS), and otherwise stops with "It looks like the Pulumi SDK
 * has not been installed" (pulumi/pulumi#3586, open). The gate does as the host would: under the
 * resolver it runs the program; without it, instead of the misleading "Cannot find module
 * … run `npm install`", it says in one line what the project needs.
 */
import * as fs from "fs";
import Module from "module";
import * as path from "path";
import { ProgramError } from "./program-error";

export function refuseYarnPlugAndPlay(workingDirectory: string, relativeTo: string, underResolver = process.versions.pnp !== undefined): void {
    if (underResolver) {
        return;
    }
    const sdk = (dir: string) => fs.existsSync(path.join(dir, "@pulumi", "pulumi", "package.json"));
    // Node's own lookup from the program's folder: node_modules from there up, NODE_PATH (relative
    // entries against that folder, where the host's `node -e` runs), and Node's global folders.
    let resolver: string | undefined;
    for (let dir = path.resolve(workingDirectory); ; dir = path.dirname(dir)) {
        if (sdk(path.join(dir, "node_modules"))) {
            return;
        }
        resolver ??= [".pnp.cjs", ".pnp.js"].map((file) => path.join(dir, file)).find((file) => fs.existsSync(file));
        if (path.dirname(dir) === dir) {
            break;
        }
    }
    const nodePath = (process.env.NODE_PATH ?? "").split(path.delimiter).filter((dir) => dir !== "").map((dir) => path.resolve(workingDirectory, dir));
    const globalPaths = (Module as unknown as { globalPaths?: string[] }).globalPaths ?? [];
    if (resolver === undefined || [...nodePath, ...globalPaths].some(sdk)) {
        return;
    }
    throw new ProgramError(`the project is installed with Plug'n'Play (${path.relative(relativeTo, resolver)}: no node_modules), and neither ` +
        "polyarch nor Pulumi's Node.js host finds @pulumi/pulumi without its resolver (the host: \"It looks like the Pulumi SDK has not been " +
        "installed\"): run both through Yarn (`yarn polyarch plan`, `yarn pulumi up`), or install with node_modules " +
        "(`nodeLinker: node-modules` in .yarnrc.yml)");
}
