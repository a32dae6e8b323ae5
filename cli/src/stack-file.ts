import * as fs from "fs";
import * as path from "path";
import { YAMLParseError, parseDocument } from "yaml";
import { locateProgram } from "./policy-gate/program-entry";
import { ProgramError } from "./policy-gate/program-error";
import { InputError } from "./input-error";

/** Placeholder for a `secure:` value, which only the Pulumi CLI (with the stack's key) can decrypt. */
export const SECRET_PLACEHOLDER = "[secret]";

export interface StackFile {
    stack: string;
    file: string;
    /** Flat map as the CLI passes it to a program: `namespace:key` → string (objects as JSON). */
    config: Record<string, string>;
    /** Keys whose value is (or contains) a secret. */
    secretKeys: string[];
}

const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

export interface ProjectFile {
    name: string;
    /** The folder holding Pulumi.yaml. */
    root: string;
    /** The program's entry module, found as the CLI's Node.js host finds it (program-entry.ts). */
    entry: string;
    /** Where the CLI runs the program: `main`'s folder, or the project's. */
    workingDirectory: string;
    /** The nearest package.json says `"type": "module"`. */
    esModule: boolean;
    /** The project's own tsconfig.json, as the CLI's ts-node would use it. */
    tsconfig?: string;
    /** What the CLI would warn about when finding the entry. */
    entryWarnings: string[];
    /** `runtime` (or `runtime.name`): the `pulumi:runtime` stack tag. */
    runtime: string;
    description?: string;
    /** Project-level `pulumi:tags` config (its `value`): more stack tags. */
    configTags: Record<string, string>;
}

/**
 * The project the CLI works on when `--project` is not given: as `pulumi` finds it
 * (workspace.DetectProjectPath), the nearest folder holding Pulumi.yaml, from `from` upward.
 */
export function findProjectRoot(from: string): string {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new InputError("--project", `no Pulumi.yaml in ${path.resolve(from)} or any folder above it: run in a Pulumi project, or name one with --project DIR`);
        }
    }
}

/**
 * Reads Pulumi.yaml: the project name and where its program starts. The gate runs Node.js programs
 * only: another runtime is a ProgramError (exit 3), before anything else about the program is read.
 */
export function readProjectFile(projectRoot: string): ProjectFile {
    const file = path.join(projectRoot, "Pulumi.yaml");
    if (!fs.existsSync(file)) {
        throw new InputError("--project", `'${projectRoot}' has no Pulumi.yaml`);
    }
    const document = parseDocument(fs.readFileSync(file, "utf8"));
    if (document.errors.length > 0) {
        throw yamlError(document.errors[0], file);
    }
    const project = document.toJS() as { name?: unknown; main?: unknown; runtime?: unknown; description?: unknown; config?: unknown } | null;
    if (typeof project?.name !== "string") {
        throw new InputError("Pulumi.yaml: name", "is required");
    }
    const runtime = typeof project.runtime === "string" ? project.runtime : String((project.runtime as { name?: unknown } | undefined)?.name ?? "");
    if (runtime === "") {
        throw new InputError("Pulumi.yaml: runtime", "is required (nodejs)");
    }
    if (runtime !== "nodejs") {
        throw new ProgramError(`the gate runs Node.js programs; project '${project.name}' has runtime '${runtime}'`);
    }
    const runtimeOptions = typeof project.runtime === "object" && project.runtime !== null
        ? (project.runtime as { options?: Record<string, unknown> }).options ?? {}
        : {};
    const tsconfigOption = typeof runtimeOptions.tsconfig === "string" ? runtimeOptions.tsconfig : undefined;
    const program = locateProgram(projectRoot, typeof project.main === "string" ? project.main : undefined, tsconfigOption);
    const tagsEntry = (project.config as Record<string, unknown> | undefined)?.["pulumi:tags"];
    const tagsValue = tagsEntry !== null && typeof tagsEntry === "object" && "value" in tagsEntry ? (tagsEntry as { value: unknown }).value : tagsEntry;
    const configTags = tagsValue !== null && typeof tagsValue === "object"
        ? Object.fromEntries(Object.entries(tagsValue as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
        : {};
    return {
        name: project.name,
        root: path.resolve(projectRoot),
        entry: program.entry,
        workingDirectory: program.workingDirectory,
        esModule: program.esModule,
        tsconfig: program.tsconfig,
        entryWarnings: program.warnings,
        runtime,
        description: typeof project.description === "string" ? project.description : undefined,
        configTags,
    };
}

/** The stacks that have a `Pulumi.<name>.yaml` in the project. */
export function listStacks(projectRoot: string): string[] {
    return fs.readdirSync(projectRoot)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
}

/**
 * The stack when `--stack` is not given. Offline there is no selected stack (`pulumi stack
 * select` keeps it in the user's workspace): the project's only stack file, else `dev`.
 */
export function defaultStack(projectRoot: string): string {
    const stacks = listStacks(projectRoot);
    return stacks.length === 1 ? stacks[0] : "dev";
}

/** Reads `Pulumi.<stack>.yaml` the way the CLI does; errors name the file (and line). */
export function readStackFile(projectRoot: string, stack: string): StackFile {
    if (!STACK_NAME.test(stack)) {
        throw new InputError("--stack", `'${stack}' is not a stack name (letters, digits, '-', '_', '.')`);
    }
    const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = listStacks(projectRoot);
        throw new InputError("--stack", `no stack '${stack}': ${path.basename(file)} does not exist; ` +
            `known stacks: ${known.join(", ") || "none"}`);
    }
    return parseStackYaml(fs.readFileSync(file, "utf8"), stack, file);
}

export function parseStackYaml(text: string, stack: string, file: string): StackFile {
    const document = parseDocument(text);
    if (document.errors.length > 0) {
        throw yamlError(document.errors[0], file);
    }
    const root = document.toJS() as unknown;
    if (root === null || root === undefined) {
        return { stack, file, config: {}, secretKeys: [] };
    }
    if (typeof root !== "object" || Array.isArray(root)) {
        throw new InputError(path.basename(file), "must be a YAML mapping with a 'config:' section");
    }
    const section = (root as Record<string, unknown>).config ?? {};
    if (typeof section !== "object" || section === null || Array.isArray(section)) {
        throw new InputError(`${path.basename(file)}: config`, "must be a mapping of 'namespace:key' to values");
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
        const { plain, secret } = stripSecure(value);
        if (secret) {
            secretKeys.push(key);
        }
        config[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    }
    return { stack, file, config, secretKeys };
}

/** `Pulumi.dev.yaml:5:1: YAML syntax error: <what>`: the file and line, the problem once. */
function yamlError(error: YAMLParseError, file: string): InputError {
    const line = error.linePos?.[0];
    const where = line ? `${path.basename(file)}:${line.line}:${line.col}` : path.basename(file);
    const what = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    return new InputError(where, `YAML syntax error: ${what}`);
}

/** Replaces `{ secure: … }` leaves with a placeholder and reports whether any were found. */
function stripSecure(value: unknown): { plain: unknown; secret: boolean } {
    if (Array.isArray(value)) {
        const parts = value.map(stripSecure);
        return { plain: parts.map((p) => p.plain), secret: parts.some((p) => p.secret) };
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") {
            return { plain: SECRET_PLACEHOLDER, secret: true };
        }
        let secret = false;
        const plain = Object.fromEntries(entries.map(([k, v]) => {
            const part = stripSecure(v);
            secret ||= part.secret;
            return [k, part.plain];
        }));
        return { plain, secret };
    }
    return { plain: value, secret: false };
}
