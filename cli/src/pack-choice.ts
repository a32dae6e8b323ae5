import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./command";

/** One policy pack to run: its folder (undefined: the bundled polyarch pack) and its config file. */
export interface PackChoice {
    dir?: string;
    config?: string;
}

/** The word `--policy-pack` takes for the bundled pack (a folder of that name is `./polyarch`). */
export const BUNDLED_PACK_WORD = "polyarch";

/**
 * `--policy-pack` and `--policy-pack-config` as the Pulumi CLI pairs them (operations/up.go
 * `validatePolicyPackConfig`: "the first `--policy-pack-config` flag value corresponds to the first
 * `--policy-pack` flag value"), with the bundled pack where no `--policy-pack` is given: then one
 * `--policy-pack-config` at most, for it.
 */
export function packChoices(packs: readonly string[], configs: readonly string[], base: string): PackChoice[] {
    const config = (file: string | undefined) => (file === undefined ? {} : { config: path.resolve(base, file) });
    if (packs.length === 0) {
        if (configs.length > 1) {
            throw new UsageError(`${configs.length} --policy-pack-config flags but no --policy-pack: without --policy-pack only the bundled pack runs, ` +
                `and it takes one config (name each pack with --policy-pack, \`${BUNDLED_PACK_WORD}\` for the bundled one)`);
        }
        return [config(configs[0])];
    }
    if (configs.length > 0 && configs.length !== packs.length) {
        // up.go's words.
        throw new UsageError(`the number of "--policy-pack-config" flags must match the number of "--policy-pack" flags (${configs.length} and ${packs.length})`);
    }
    return packs.map((pack, i) => {
        if (pack === BUNDLED_PACK_WORD) {
            return config(configs[i]);
        }
        const dir = path.resolve(base, pack);
        if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
            throw new UsageError(`--policy-pack: '${pack}' is not a policy pack (no PulumiPolicy.yaml in ${dir})`);
        }
        return { dir, ...config(configs[i]) };
    });
}
