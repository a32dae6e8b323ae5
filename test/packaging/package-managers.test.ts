/**
 * The installed `polyarch` under the other layouts Pulumi's Node.js host runs programs from
 * (`pulumi install` picks the manager by lockfile, or `runtime.options.packagemanager`): pnpm's
 * (each direct dependency a symlink into node_modules/.pnpm, a dependency's own dependencies
 * beside it there), Yarn 1's (hoisted, as npm's), and Yarn 4's with `nodeLinker: node-modules`.
 * Each manager is the version below, installed from the npm registry into a temp folder; each
 * project installs the four tarballs, pointing the packages' dependencies on each other at them as
 * that manager lets a project do, and plans the same foreign TypeScript project as the npm suite.
 * Plug'n'Play (no node_modules) the host runs only under Yarn's resolver (pulumi/pulumi#3586);
 * without it the gate says what the project needs (test/tools/program-host.test.ts). Bun's layout
 * and each manager's other linkers are not tried.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertMismatchFound, said, write, writeMismatchedTypeScriptProject } from "./foreign-project";
import { COMPONENT_PINS, PINNED, npm, tarballs } from "./tarballs";

const PNPM = "12.21.0";
const YARN_CLASSIC = "1.22.22";
const YARN = "4.18.1";

interface Manager {
    name: string;
    /** The command line that installs the project's dependencies. */
    install: (tools: string) => string[];
    /** Files the manager reads: where the packages' dependencies on each other are pointed at the tarballs. */
    files: (links: Record<string, string>) => Record<string, string>;
    /** package.json fields besides `dependencies`. */
    manifest: (links: Record<string, string>) => Record<string, unknown>;
    /** What shows the install has the manager's layout (so the plan below ran from it). */
    layout: (project: string) => void;
}

const linked = (project: string, name: string) => fs.lstatSync(path.join(project, "node_modules", name)).isSymbolicLink();

const REGISTRY = npm(["config", "get", "registry"], os.tmpdir()).trim();

const MANAGERS: Manager[] = [
    {
        name: `pnpm ${PNPM}`,
        // In CI pnpm would insist on a lockfile; a user's first install has none.
        // The executable npm links for the package (pnpm 12 ships a native one).
        install: (tools) => [path.join(tools, "node_modules", ".bin", "pnpm"), "install", "--no-frozen-lockfile", "--reporter=append-only"],
        files: (links) => ({
            "pnpm-workspace.yaml": `overrides:\n${Object.entries(links).map(([name, spec]) => `  "${name}": "${spec}"\n`).join("")}` +
                // pnpm fails an install whose dependencies' build scripts nobody decided on. Neither is
                // needed to run a program: docker-build's installs its provider plugin with the Pulumi
                // CLI (which the engine does on its own), protobufjs's checks its version.
                "allowBuilds:\n  \"@pulumi/docker-build\": false\n  protobufjs: false\n",
        }),
        manifest: () => ({}),
        layout: (project) => {
            assert.ok(linked(project, "@polyarch/cli") && linked(project, "@pulumi/pulumi"), "each direct dependency a link into node_modules/.pnpm");
            // A dependency's own dependencies are beside it in the store, not hoisted where the project could see them.
            assert.ok(!fs.existsSync(path.join(project, "node_modules", "ts-node")), "the CLI's ts-node is not the project's");
        },
    },
    {
        name: `Yarn ${YARN_CLASSIC}`,
        // Yarn 1's default registry is its own mirror; a machine's npm registry is the one it can reach.
        install: (tools) => [process.execPath, path.join(tools, "node_modules", "yarn", "bin", "yarn.js"), "install", "--non-interactive", "--no-progress", "--registry", REGISTRY],
        files: () => ({}),
        manifest: (links) => ({ resolutions: links }),
        layout: (project) => {
            assert.ok(!linked(project, "@polyarch/cli") && fs.existsSync(path.join(project, "node_modules", ".yarn-integrity")), "Yarn 1's hoisted folders");
        },
    },
    {
        name: `Yarn ${YARN} (nodeLinker: node-modules)`,
        install: (tools) => [process.execPath, path.join(tools, "node_modules", "@yarnpkg", "cli-dist", "bin", "yarn.js"), "install", "--no-immutable"],
        files: () => ({ ".yarnrc.yml": `nodeLinker: node-modules\nnpmRegistryServer: "${REGISTRY.replace(/\/$/, "")}"\nenableTelemetry: false\n` }),
        manifest: (links) => ({ resolutions: links }),
        layout: (project) => {
            assert.ok(!linked(project, "@polyarch/cli") && fs.existsSync(path.join(project, "node_modules", ".yarn-state.yml")), "Yarn 4's node_modules");
            assert.ok(!fs.existsSync(path.join(project, ".pnp.cjs")), "no Plug'n'Play resolver");
        },
    },
];

describe("packaging: the installed `polyarch` under pnpm's and Yarn's layouts", function () {
    let tools: string;
    let tarball: ReturnType<typeof tarballs>;
    const made: string[] = [];
    before(() => {
        // Building and packing is the first packaging suite's work: not inside a test's own time limit.
        tarball = tarballs();
        tools = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-managers-"));
        made.push(tools);
        fs.writeFileSync(path.join(tools, "package.json"), JSON.stringify({ private: true }));
        npm(["install", "--no-audit", "--no-fund", `pnpm@${PNPM}`, `yarn@${YARN_CLASSIC}`, `@yarnpkg/cli-dist@${YARN}`], tools);
    });
    after(() => {
        for (const dir of made) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    for (const manager of MANAGERS) {
        it(`${manager.name}: plans a foreign TypeScript project with a mismatched Lambda, exit 1, the rule named`, () => {
            const project = fs.mkdtempSync(path.join(os.tmpdir(), "polyarch-layout-"));
            made.push(project);
            // The packages depend on each other by version ("0.2.0"), which the registry will hold once they are published.
            const links = { "@polyarch/platform": `file:${tarball["@polyarch/platform"]}`, "polyarch-policies": `file:${tarball["polyarch-policies"]}` };
            write(path.join(project, "package.json"), JSON.stringify({
                name: "layout-project",
                private: true,
                dependencies: {
                    ...links,
                    "@polyarch/cli": `file:${tarball["@polyarch/cli"]}`,
                    "@pulumi/pulumi": PINNED.dependencies["@pulumi/pulumi"],
                    "@pulumi/aws": COMPONENT_PINS["@pulumi/aws"],
                    "@pulumi/docker-build": COMPONENT_PINS["@pulumi/docker-build"],
                },
                ...manager.manifest(links),
            }, null, 2));
            for (const [file, text] of Object.entries(manager.files(links))) {
                write(path.join(project, file), text);
            }
            const [command, ...args] = manager.install(tools);
            const install = spawnSync(command, args, {
                cwd: project, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 480_000,
            });
            assert.equal(install.status, 0, `${manager.name} install failed:\n${install.stdout}\n${install.stderr}`);
            manager.layout(project);

            const app = path.join(project, "ts-app");
            writeMismatchedTypeScriptProject(app);
            // The bin as the manager links it (pnpm writes a shell script, Yarn a symlink), run as a
            // package script runs it: with this Node.js first on PATH.
            const run = spawnSync(path.join(project, "node_modules", ".bin", "polyarch"), ["plan", "--json"], {
                cwd: app, encoding: "utf8", timeout: 300_000,
                env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`, NO_COLOR: "1", AWS_EC2_METADATA_DISABLED: "true" },
            });
            assertMismatchFound(app, { status: run.status, stdout: run.stdout, stderr: run.stderr });
            assert.deepEqual(said(run.stderr), [], run.stderr);
        });
    }
});
