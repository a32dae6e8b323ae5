/**
 * `npm run examples:gate -- DIR [--stack dev] [--only REGEX] [--json]`: runs the gate over every
 * Node.js Pulumi project under DIR (a local checkout of pulumi/examples, say), as a new user would
 * try it, and prints one row per project: the gate's exit code, its findings by level and policy,
 * what it said about components it could not expand or a workload it never found, and any crash.
 *
 * Each project is copied (without node_modules) into a temporary folder and its own package.json
 * installed there (`npm install --ignore-scripts`: no provider plugin downloads). The program's
 * @pulumi/pulumi is then this repository's own copy, linked in: the gate is the engine the program
 * talks to, and it sets its mocks in that copy. A project with no stack file gets the one its
 * README has users create (`pulumi config set aws:region us-west-2`); any other config it
 * requires is missing, which the gate reports as such (exit 3, "Missing required configuration").
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import * as YAML from "yaml";
import { planNodeFlags } from "./plan-node-flags";
import { invocationDirectory } from "../cli/src/command";
import { table } from "../cli/src/policy-gate/render";

const REPO = path.resolve(__dirname, "..");
const USAGE = "usage: npm run examples:gate -- DIR [--stack NAME] [--only REGEX] [--json]";
/** What a stack file created for a project that has none holds (the examples' READMEs set it). */
const DEFAULT_STACK_CONFIG = { config: { "aws:region": "us-west-2" } };

export interface ExampleResult {
    project: string;
    exit: number | null;
    mandatory: number;
    advisory: number;
    resources: number;
    /** Policies that reported, with counts: `ecs-task-architecture-matches-image×1`. */
    policies: string[];
    /** The one line the gate printed on exit 2 or 3, the notices worth a reader's eye, or why the project was not run. */
    note: string;
}

/** Every folder under `dir` holding a Pulumi.yaml, node_modules and dot-folders left out, in path order. */
export function findProjects(dir: string): string[] {
    const found: string[] = [];
    const walk = (folder: string) => {
        const entries = fs.readdirSync(folder, { withFileTypes: true });
        if (entries.some((e) => e.isFile() && (e.name === "Pulumi.yaml" || e.name === "Pulumi.yml"))) {
            found.push(folder);
            return;
        }
        for (const entry of entries) {
            if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) {
                walk(path.join(folder, entry.name));
            }
        }
    };
    walk(dir);
    return found.sort();
}

/** The project's runtime name (`runtime: nodejs` or `runtime: { name: nodejs }`). */
function runtimeOf(project: string): string {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(project, f)).find((f) => fs.existsSync(f));
    if (file === undefined) {
        return "";
    }
    try {
        const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { runtime?: string | { name?: string } } | null;
        const runtime = doc?.runtime;
        return typeof runtime === "string" ? runtime : runtime?.name ?? "";
    } catch {
        return "";
    }
}

/** Copies the project to a temporary folder, installs its dependencies there and links this repository's @pulumi/pulumi. */
function prepare(project: string, stack: string): { dir: string } | { error: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-example-"));
    fs.cpSync(project, dir, { recursive: true, filter: (source) => path.basename(source) !== "node_modules" });
    if (fs.existsSync(path.join(dir, "package.json"))) {
        const install = spawnSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
            cwd: dir, encoding: "utf8", timeout: 600_000,
        });
        if (install.status !== 0) {
            // npm 10 says `npm error code ERESOLVE` (older: `npm ERR! code …`), then what it is.
            const lines = (install.stderr || install.stdout || String(install.error ?? "")).trim().split("\n");
            const code = lines.find((l) => /^npm (error|ERR!) code /.test(l))?.replace(/^npm (error|ERR!) code /, "");
            const detail = lines.find((l) => /^npm (error|ERR!) /.test(l) && !/ code /.test(l))?.replace(/^npm (error|ERR!) /, "");
            return { error: `npm install failed${code ? ` (${code})` : ""}${detail ? `: ${detail.trim()}` : ""}` };
        }
    }
    const sdk = path.join(dir, "node_modules", "@pulumi", "pulumi");
    fs.rmSync(sdk, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(sdk), { recursive: true });
    fs.symlinkSync(path.dirname(require.resolve("@pulumi/pulumi/package.json")), sdk, "dir");
    if (!["yaml", "yml"].some((ext) => fs.existsSync(path.join(dir, `Pulumi.${stack}.${ext}`)))) {
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify(DEFAULT_STACK_CONFIG));
    }
    return { dir };
}

/** The stderr lines a reader of the table needs: the error, and the notices about what was not checked. */
function noteFrom(stderr: string): string {
    const lines = stderr.split("\n");
    const error = lines.find((l) => l.startsWith("error: "));
    if (error !== undefined) {
        return error.slice("error: ".length);
    }
    const unexpanded = lines.find((l) => l.includes("multi-language component"));
    const nothing = lines.find((l) => l.startsWith("notice: nothing to check"));
    return [unexpanded && unexpanded.replace(/^notice: /, "").replace(/ \(the gate does not run[^)]*\)/, "").replace(/\. `pulumi preview.*$/, ""),
        nothing && "no workload runs an image"].filter(Boolean).join("; ");
}

export function gateProject(project: string, stack: string, base: string): ExampleResult {
    const name = path.relative(base, project) || path.basename(project);
    const empty = { project: name, mandatory: 0, advisory: 0, resources: 0, policies: [] };
    const runtime = runtimeOf(project);
    if (runtime !== "nodejs") {
        return { ...empty, exit: null, note: `not run: runtime ${runtime || "unknown"}` };
    }
    const prepared = prepare(project, stack);
    if ("error" in prepared) {
        return { ...empty, exit: null, note: `not run: ${prepared.error}` };
    }
    try {
        const run = spawnSync(process.execPath, [...planNodeFlags(), path.join(REPO, "cli", "src", "main.ts"), "plan", "--project", prepared.dir, "--stack", stack, "--json"], {
            cwd: REPO, encoding: "utf8", timeout: 600_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" },
        });
        const crashed = run.status === null ? `killed (${run.signal ?? run.error?.message ?? "timeout"})` : undefined;
        let report: { resources: unknown[]; diagnostics: { policy: string; level: string }[] } | undefined;
        try {
            report = run.stdout.trim() === "" ? undefined : JSON.parse(run.stdout);
        } catch {
            report = undefined;
        }
        const counts = new Map<string, number>();
        for (const d of report?.diagnostics ?? []) {
            counts.set(d.policy, (counts.get(d.policy) ?? 0) + 1);
        }
        return {
            project: name,
            exit: run.status,
            mandatory: report?.diagnostics.filter((d) => d.level === "mandatory").length ?? 0,
            advisory: report?.diagnostics.filter((d) => d.level === "advisory").length ?? 0,
            resources: report?.resources.length ?? 0,
            policies: [...counts].map(([policy, n]) => `${policy}×${n}`),
            note: crashed ?? noteFrom(run.stderr),
        };
    } finally {
        fs.rmSync(prepared.dir, { recursive: true, force: true });
    }
}

export function renderResults(results: ExampleResult[]): string {
    return table(["PROJECT", "EXIT", "MANDATORY", "ADVISORY", "RESOURCES", "FINDINGS", "NOTE"],
        results.map((r) => [r.project, r.exit === null ? "-" : String(r.exit), String(r.mandatory), String(r.advisory),
            String(r.resources), r.policies.join(", ") || "-", r.note || "-"]), (text) => text);
}

function main(argv: string[]): number {
    let values: { stack?: string; only?: string; json?: boolean; help?: boolean };
    let positionals: string[];
    try {
        ({ values, positionals } = parseArgs({
            args: argv, allowPositionals: true,
            options: { stack: { type: "string", short: "s" }, only: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
        }));
    } catch (err) {
        process.stderr.write(`error: ${(err as Error).message}\n${USAGE}\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (positionals.length !== 1) {
        process.stderr.write(`error: give one folder to search for Pulumi projects\n${USAGE}\n`);
        return 2;
    }
    const dir = path.resolve(invocationDirectory(), positionals[0]);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        process.stderr.write(`error: ${positionals[0]}: not a folder\n`);
        return 2;
    }
    let only: RegExp | undefined;
    try {
        only = values.only === undefined ? undefined : new RegExp(values.only);
    } catch (err) {
        process.stderr.write(`error: --only: ${(err as Error).message}\n`);
        return 2;
    }
    const projects = findProjects(dir).filter((p) => only === undefined || only.test(path.relative(dir, p)));
    const results: ExampleResult[] = [];
    for (const [i, project] of projects.entries()) {
        process.stderr.write(`[${i + 1}/${projects.length}] ${path.relative(dir, project) || "."}\n`);
        results.push(gateProject(project, values.stack ?? "dev", dir));
    }
    process.stdout.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : `${renderResults(results)}\n`);
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
