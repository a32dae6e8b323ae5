/**
 * What every `polyarch` command shares: its flags declared once, parsed by Node's own
 * `util.parseArgs` (strict: an unknown flag is an error), and the help `--help` prints, laid out as
 * the Pulumi CLI lays out its own (a description, `Usage:`, `Flags:`, then the exit codes, which
 * `pulumi` does not list but a gate's callers branch on).
 */
import { parseArgs } from "util";
import { didYouMean } from "./did-you-mean";

export interface Flag {
    /** The long name, without `--`. */
    name: string;
    short?: string;
    /** The value's placeholder (`NAME`); a flag without one is a switch. */
    value?: string;
    /** Repeatable (`--policy-pack A --policy-pack B`): its values in the order given. */
    multiple?: boolean;
    description: string;
}

export interface CommandSpec {
    name: string;
    /** One line, for `polyarch --help`'s list. */
    summary: string;
    /** What the command does, for its own `--help`. */
    description: string;
    /** After `polyarch <name>`: `[flags]`, `FILE [flags]`. */
    synopsis: string;
    flags: Flag[];
    exitCodes: [number, string][];
    examples?: string[];
}

/** A command line the command cannot take: exit 2, the message and the usage line. */
export class UsageError extends Error {}

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

const HELP_FLAG: Flag = { name: "help", short: "h", description: "help for this command" };

/** `usage: polyarch plan [flags]`, then where the flags are described. */
export function usageLine(spec: CommandSpec): string {
    return `usage: polyarch ${spec.name} ${spec.synopsis}\nRun 'polyarch ${spec.name} --help' for its flags.`;
}

/**
 * Parses `argv` against the command's flags; "help" for `--help`/`-h`. Every refusal is a
 * UsageError of one line: an unknown flag with the nearest known one, a flag without its value.
 */
export function parseCommandLine(spec: CommandSpec, argv: string[]): { values: FlagValues; positionals: string[] } | "help" {
    const flags = [...spec.flags, HELP_FLAG];
    const options = Object.fromEntries(flags.map((flag) => [flag.name, {
        type: flag.value === undefined ? "boolean" as const : "string" as const,
        ...(flag.short === undefined ? {} : { short: flag.short }),
        ...(flag.multiple ? { multiple: true } : {}),
    }]));
    let parsed: { values: FlagValues; positionals: string[] };
    try {
        parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as { values: FlagValues; positionals: string[] };
    } catch (error) {
        throw new UsageError(refusal(error as Error & { code?: string }, flags));
    }
    if (parsed.values.help === true) {
        return "help";
    }
    // parseArgs takes `--stack --json` as the stack named "--json": a value that is a flag was forgotten.
    for (const flag of flags) {
        const values = parsed.values[flag.name];
        const given = Array.isArray(values) ? values : typeof values === "string" ? [values] : [];
        if (given.some((value) => value.startsWith("--"))) {
            throw new UsageError(`--${flag.name} needs a value`);
        }
    }
    return parsed;
}

/** node:util parseArgs's message, as one line in the words of the other refusals. */
function refusal(error: Error & { code?: string }, flags: Flag[]): string {
    if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
        // "Unknown option '--stak'. To specify a positional argument starting with a '-', …"
        const named = /'(-[^']*)'/.exec(error.message)?.[1] ?? "?";
        const known = flags.flatMap((flag) => [`--${flag.name}`, ...(flag.short === undefined ? [] : [`-${flag.short}`])]);
        return `unknown argument '${named}'${didYouMean(named, known)}`;
    }
    // "Option '-s, --stack <value>' argument missing", "Option '--json' does not take an argument".
    const flag = flags.find((f) => new RegExp(`--${f.name}\\b(?!-)`).test(error.message));
    if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && flag !== undefined) {
        return flag.value === undefined ? `--${flag.name} takes no value` : `--${flag.name} needs a value`;
    }
    return error.message.split("\n")[0];
}

/** The command's `--help`. */
export function helpText(spec: CommandSpec): string {
    const flags = [...spec.flags, HELP_FLAG];
    const label = (flag: Flag) => `${flag.short === undefined ? "    " : `-${flag.short}, `}--${flag.name}${flag.value === undefined ? "" : ` ${flag.value}`}`;
    const width = Math.max(...flags.map((flag) => label(flag).length));
    const codeWidth = Math.max(...spec.exitCodes.map(([code]) => String(code).length));
    return [
        spec.description,
        "",
        "Usage:",
        `  polyarch ${spec.name} ${spec.synopsis}`,
        "",
        "Flags:",
        ...flags.map((flag) => `  ${label(flag).padEnd(width)}   ${flag.description}${flag.multiple ? " (repeatable)" : ""}`),
        "",
        "Exit codes:",
        ...spec.exitCodes.map(([code, meaning]) => `  ${String(code).padEnd(codeWidth)}   ${meaning}`),
        ...(spec.examples === undefined ? [] : ["", "Examples:", ...spec.examples.map((example) => `  ${example}`)]),
        "",
    ].join("\n");
}

/**
 * Writes `text` and resolves once the stream has handed all of it to the OS. On a pipe Node's
 * stdout is asynchronous, so exiting right after `write()` loses whatever is still queued (a report
 * over 64 KiB was cut there); every output path waits for this before the process exits.
 */
export function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
    return new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));
}

/** This repository's scripts that start a command (package.json): `npm run` starts them in the package's folder. */
const REPOSITORY_SCRIPTS = ["plan", "audit", "images:verify"];

/**
 * Where the user typed the command: paths on the command line are relative to it. `npm run plan`
 * runs the script in the package's folder and says where it was started in INIT_CWD; that is only
 * ours when npm started one of our scripts (a test run under `npm test` inherits another's).
 */
export function invocationDirectory(env: NodeJS.ProcessEnv = process.env): string {
    return REPOSITORY_SCRIPTS.includes(env.npm_lifecycle_event ?? "") && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** Runs a command's `main` as the process: its exit code, exit 3 on what it did not catch. */
export function runCommand(command: (argv: string[]) => Promise<number>, argv: string[] = process.argv.slice(2)): void {
    // Ctrl-C: exit through process.exit so the pack (killed on 'exit') never outlives us.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => process.exit(130));
    }
    command(argv).then((code) => process.exit(code), (error) => {
        // One line: its first (a missing module's "Require stack" and a stack trace are not for users).
        writeAll(process.stderr, `error: ${String(error).split("\n")[0]}\n`).finally(() => process.exit(3));
    });
}
