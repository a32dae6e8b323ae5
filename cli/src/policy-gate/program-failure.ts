/**
 * A failed program, told in one line, as the CLI's Node.js runtime tells it (@pulumi/pulumi
 * cmd/run/run.js `run`, its uncaughtHandler): a RunError by its message alone ("Always hide the
 * stack for RunErrors"), anything else as "Running program '…' failed with an unhandled
 * exception:" followed by the error. The gate keeps the message and the place in the user's own
 * file (file:line:column of the TypeScript source) and drops the rest of the stack; a missing
 * config value also names the stack file to set it in, and a module that cannot be found says
 * whether the project's dependencies are installed at all.
 */
import * as fs from "fs";
import { InputError } from "../input-error";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EngineError } from "../engine/urn";
import { ProgramError } from "./program-error";

/** What the message may name: the program, its project, and the stack file its config comes from. */
export interface FailureContext {
    /** The program's entry module. */
    entry: string;
    /** The folder holding Pulumi.yaml. */
    projectRoot: string;
    /** `Pulumi.<stack>.yaml`. */
    stackFile: string;
    /** Paths in the message are relative to this directory (where the gate was started). */
    relativeTo: string;
}

/** The gate's own code: never "the user's file". */
const GATE_DIRECTORY = path.resolve(__dirname, "..");

interface Frame {
    file: string;
    line: number;
    column: number;
}

/**
 * The error the gate reports for what the program threw (or left unhandled): a ProgramError of one
 * line, except for what already has its own meaning (a refused input or config value, exit 2; a
 * registration the engine refuses, "preview failed"). The place is the stack's first frame in the
 * user's files (the project's first), as Node prints it: through the source maps of the compiled
 * TypeScript, so the line is the TypeScript line.
 */
export function describeProgramFailure(error: unknown, context: FailureContext): Error {
    if (InputError.isInstance(error) || error instanceof EngineError || ProgramError.isInstance(error)) {
        return error;
    }
    const relative = (file: string) => path.relative(context.relativeTo, file) || file;
    const program = relative(context.entry);
    if (!(error instanceof Error)) {
        return new ProgramError(`Running program '${program}' failed with an unhandled exception: ${oneLine(String(error))}`);
    }
    const frame = userFrame(error, context.projectRoot);
    const at = frame === undefined ? "" : ` (at ${relative(frame.file)}:${frame.line}:${frame.column})`;
    // RunError adds nothing to Error's type: a plain boolean keeps `error` an Error below.
    const runError: boolean = pulumi.RunError.isInstance(error);
    if (runError) {
        const missing = error as Error & { key?: unknown; secret?: unknown };
        // config.js ConfigMissingError: "Missing required configuration variable '<key>'\n\tplease set a value using the command `pulumi config set <key> <value>`".
        if (typeof missing.key === "string" && error.message.startsWith("Missing required configuration variable")) {
            return new ProgramError(`Missing required configuration variable '${missing.key}': set it in ${relative(context.stackFile)} ` +
                `(\`pulumi config set${missing.secret === true ? " --secret" : ""} ${missing.key} <value>\` in ${relative(context.projectRoot)})`);
        }
        // ConfigTypeError, ConfigEnumError, ConfigRangeError, ConfigPatternError: "Configuration '<key>' value '<v>' is …".
        if (/^Configuration '[^']+' value /.test(error.message)) {
            return new ProgramError(`${oneLine(error.message)}: fix it in ${relative(context.stackFile)}`);
        }
        return new ProgramError(`${oneLine(error.message)}${at}`);
    }
    if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") {
        return moduleNotFound(error, program, at, context);
    }
    const cloud = cloudCall(error);
    if (cloud !== undefined) {
        return new ProgramError(`the program calls the cloud while it runs (${cloud}: ${oneLine(error.message)})${at}, which the offline gate cannot ` +
            "answer: it runs programs under Pulumi's mocks. Read what it needs through a Pulumi invoke (aws.getCallerIdentity and the like " +
            "are answered offline) or stack config, or check this project with `pulumi preview --policy-pack` where the program can reach its cloud");
    }
    return new ProgramError(`Running program '${program}' failed with an unhandled exception: ${error.name}: ${oneLine(error.message)}${at}`);
}

/** Codes of a connection that could not be made or was cut (Node's net and dns). */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * What shows the program called a cloud's API itself (an SDK client at startup, not a Pulumi
 * resource or invoke): an AWS SDK v3 error (a service's, with its `$metadata`, or the credential
 * chain's CredentialsProviderError), or a connection that failed, fetch's included (`cause`).
 */
function cloudCall(error: Error): string | undefined {
    const withMetadata = error as Error & { $metadata?: unknown; code?: unknown; cause?: { code?: unknown } };
    if (withMetadata.$metadata !== undefined) {
        return `AWS SDK, ${error.name}`;
    }
    if (error.name === "CredentialsProviderError") {
        return "AWS SDK, no credentials";
    }
    const code = typeof withMetadata.code === "string" ? withMetadata.code : withMetadata.cause?.code;
    return typeof code === "string" && NETWORK_CODES.has(code) ? `a network call, ${code}` : undefined;
}

/** `Cannot find module 'x'`: which import, and whether the project's dependencies are installed at all. */
function moduleNotFound(error: Error, program: string, at: string, context: FailureContext): ProgramError {
    const name = /Cannot find module '([^']+)'/.exec(error.message)?.[1] ?? "?";
    const requiredBy = (error as Error & { requireStack?: string[] }).requireStack?.[0];
    const project = path.relative(context.relativeTo, context.projectRoot) || ".";
    let hint: string;
    if (name.startsWith(".") || path.isAbsolute(name)) {
        hint = "no such file";
    } else if (!hasNodeModules(requiredBy === undefined ? context.projectRoot : path.dirname(requiredBy))) {
        hint = `the project's dependencies are not installed (no node_modules): run \`npm install\` in ${project}`;
    } else {
        hint = `'${name.split("/").slice(0, name.startsWith("@") ? 2 : 1).join("/")}' is not installed: add it to the project's package.json and run \`npm install\` in ${project}`;
    }
    return new ProgramError(`Running program '${program}' failed: Cannot find module '${name}'${at}: ${hint}`);
}

function hasNodeModules(directory: string): boolean {
    for (let dir = directory; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "node_modules"))) {
            return true;
        }
        if (path.dirname(dir) === dir) {
            return false;
        }
    }
}

function oneLine(text: string): string {
    return text.split("\n").map((line) => line.trim()).filter((line) => line !== "").join(" ");
}

/** The first frame in the user's code (the project's files first), not in node_modules or the gate. */
function userFrame(error: Error, projectRoot: string): Frame | undefined {
    const frames = (error.stack ?? "").split("\n").slice(1)
        .map((line) => /^\s*at (?:.*\()?(.+):(\d+):(\d+)\)?$/.exec(line))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => ({ file: match[1], line: Number(match[2]), column: Number(match[3]) }))
        .filter((frame) => path.isAbsolute(frame.file) && !frame.file.includes(`${path.sep}node_modules${path.sep}`)
            && !frame.file.startsWith(`${GATE_DIRECTORY}${path.sep}`));
    return frames.find((frame) => frame.file.startsWith(`${projectRoot}${path.sep}`)) ?? frames[0];
}

export interface TypeScriptLoader {
    /** Compiles the project's files with its own tsconfig.json (or run.js's defaults), as the CLI's ts-node would; returns the undo. */
    useProjectTsconfig(projectRoot: string, tsconfig: string | undefined): () => void;
}

/** project-typescript.js: the projects' TypeScript, compiled as the CLI's Node.js host compiles it. */
export function typeScriptLoader(): TypeScriptLoader {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../project-typescript.js") as TypeScriptLoader;
}
