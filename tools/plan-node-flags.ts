import * as fs from "fs";
import * as path from "path";

/**
 * The node flags `npm run plan` runs with, read from package.json's `plan` script, so the CLI
 * tests and the bench start the gate (and the bench its floor) exactly as users do.
 */
export function planNodeFlags(): string[] {
    const root = path.resolve(__dirname, "..");
    const script = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.plan;
    const words = script.split(/\s+/);
    if (words[0] !== "node" || words.slice(-2).join(" ") !== "cli/src/main.ts plan") {
        throw new Error(`package.json: the plan script should be 'node <flags> cli/src/main.ts plan', not '${script}'`);
    }
    // Relative paths (the require hook) as absolute ones, so any working directory works.
    return words.slice(1, -2).map((word) => (word.startsWith("./") ? path.join(root, word) : word));
}
