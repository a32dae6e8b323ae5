/**
 * `polyarch`: the command line. Each command is a module of its own (plan.ts, audit.ts,
 * images/verify.ts), loaded only when it runs; their flags and help are in specs.ts, so
 * `polyarch --help` loads none of them, and `polyarch audit` never loads the gate's program runner.
 */
import { CommandSpec, runCommand, writeAll } from "./command";
import { didYouMean } from "./did-you-mean";
import { AUDIT, PLAN, VERIFY_IMAGES } from "./specs";

interface Command {
    spec: CommandSpec;
    main(argv: string[]): Promise<number>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, Command> = {
    plan: { spec: PLAN, main: (argv) => (require("./plan") as typeof import("./plan")).main(argv) },
    audit: { spec: AUDIT, main: (argv) => (require("./audit") as typeof import("./audit")).main(argv) },
    "verify-images": { spec: VERIFY_IMAGES, main: (argv) => (require("./images/verify") as typeof import("./images/verify")).main(argv) },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** `polyarch --version`: the package's. */
export function version(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("../package.json") as { version: string }).version;
}

/** `polyarch --help`, laid out as `pulumi --help`. */
export function rootHelp(): string {
    const names = Object.keys(COMMANDS);
    const width = Math.max(...names.map((name) => name.length));
    return [
        "polyarch keeps every container image and the compute running it on the same CPU architecture. It runs a Pulumi",
        "project's program offline under its policy packs, audits deployed stacks, and builds the images the program would.",
        "",
        "Usage:",
        "  polyarch [command]",
        "",
        "Available Commands:",
        ...names.map((name) => `  ${name.padEnd(width)}   ${COMMANDS[name].spec.summary}`),
        "",
        "Flags:",
        "  -h, --help      help for polyarch",
        "  -v, --version   print polyarch's version",
        "",
        "Use \"polyarch [command] --help\" for more information about a command.",
        "",
    ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
    const [first, ...rest] = argv;
    if (first === undefined || first === "--help" || first === "-h" || first === "help") {
        const topic = first === "help" ? rest[0] : undefined;
        if (topic !== undefined && COMMANDS[topic] !== undefined) {
            return COMMANDS[topic].main(["--help"]);
        }
        await writeAll(first === undefined ? process.stderr : process.stdout, rootHelp());
        return first === undefined ? 2 : 0;
    }
    if (first === "--version" || first === "-v") {
        await writeAll(process.stdout, `${version()}\n`);
        return 0;
    }
    const command = COMMANDS[first];
    if (command === undefined) {
        const what = first.startsWith("-") ? "flag" : "command";
        await writeAll(process.stderr, `error: unknown ${what} '${first}'${didYouMean(first, Object.keys(COMMANDS))}\n` +
            "Run 'polyarch --help' for usage.\n");
        return 2;
    }
    return command.main(rest);
}

if (require.main === module) {
    runCommand(main);
}
