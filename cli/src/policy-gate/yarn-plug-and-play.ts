/**
 * Pulumi's Node.js host cannot run a program installed with Yarn's Plug'n'Play (no node_modules,
 * a `.pnp.cjs` resolver instead): it finds @pulumi/pulumi's run.js with a plain
 * `node -e "require.resolve('@pulumi/pulumi/cmd/run')"` in the program's folder
 * (pulumi-language-nodejs main.go `locateModule`), which knows node_modules and NODE_PATH only, and
 * stops with "It looks like the Pulumi SDK has not been installed" (pulumi/pulumi#3586; Yarn lists
 * Pulumi among the packages incompatible with PnP). Started as `yarn polyarch`, the gate would run
 * under PnP's own resolver and pass a program `pulumi up` cannot start; so it stops first, as the
 * host would, and says what to change.
 */
import * as fs from "fs";
import * as path from "path";
import { ProgramError } from "./program-error";

export function refuseYarnPlugAndPlay(workingDirectory: string, relativeTo: string): void {
    const sdk = (dir: string) => fs.existsSync(path.join(dir, "@pulumi", "pulumi", "package.json"));
    // Node's lookup without a resolver hook: node_modules from the folder up, then NODE_PATH.
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
    if (resolver === undefined || (process.env.NODE_PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && sdk(dir))) {
        return;
    }
    throw new ProgramError(`the project is installed with Yarn Plug'n'Play (${path.relative(relativeTo, resolver)}), which Pulumi's Node.js host ` +
        "cannot run (it looks for @pulumi/pulumi in node_modules: \"It looks like the Pulumi SDK has not been installed\"): " +
        "add `nodeLinker: node-modules` to .yarnrc.yml and run `yarn install`");
}
