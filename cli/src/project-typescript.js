/**
 * The TypeScript of the projects the CLI runs, compiled as the Pulumi CLI's Node.js host compiles
 * it (@pulumi/pulumi cmd/run/run.js `run`): ts-node with the project's tsconfig.json (`project`),
 * and as `compilerOptions` run.js's defaults under the file's own `compilerOptions` (read as
 * tsutils.js `loadTypeScriptCompilerOptions` reads them: that file only, no `extends`), so target
 * ES2020 unless the project says otherwise; without a tsconfig.json, those defaults alone. Type
 * checking is left out, as everywhere in the gate. Each compiled file is kept in the project's
 * `node_modules/.cache/polyarch-ts`, keyed by path, source, options (the tsconfig.json and what it
 * extends) and versions, so a second plan compiles nothing. Plain JavaScript: it runs before anything can compile TypeScript.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");
const { cachedCompile } = require("./compile-cache.js");

/** The projects running now (a scope per `useProjectTsconfig`), innermost first. */
const projectScopes = [];

const scopeOf = (filename) => projectScopes.find((s) => filename.startsWith(s.root));

function versions() {
    return [require("ts-node/package.json").version, require("typescript/package.json").version, fs.readFileSync(__filename, "utf8")].join("\0");
}

function compile(scope, source, filename) {
    scope.versions ??= versions();
    const key = crypto.createHash("sha256").update(scope.versions).update("\0").update(scope.salt).update("\0")
        .update(filename).update("\0").update(source).digest("hex");
    return cachedCompile(scope.cache, key, () => {
        scope.service ??= require("ts-node").create({
            transpileOnly: true, ...(scope.tsconfig === undefined ? { skipProject: true } : { project: scope.tsconfig }), compilerOptions: scope.compilerOptions,
        });
        return scope.service.compile(source, filename);
    });
}

// A project's file is compiled with its scope; anything else goes to the handler installed before
// this one (this repository's own loader, tools/register-cached-ts.js), or fails as Node would.
const previousHandler = require.extensions[".ts"];
require.extensions[".ts"] = function loadProjectTypeScript(module, filename) {
    const inNodeModules = filename.includes(`${path.sep}node_modules${path.sep}`);
    // A file of no running project (a monorepo's ../shared/tags.ts) compiles as run.js's ts-node
    // compiles every file outside node_modules: with the running project's options.
    const scope = inNodeModules ? undefined : scopeOf(filename) ?? (previousHandler === undefined ? projectScopes[0] : undefined);
    if (scope === undefined) {
        if (previousHandler !== undefined) {
            return previousHandler(module, filename);
        }
        throw new Error(`${filename}: TypeScript ${inNodeModules ? "inside node_modules" : "outside a running project"} is not compiled (as under ts-node)`);
    }
    module._compile(compile(scope, fs.readFileSync(filename, "utf8"), filename), filename);
};

// A TypeScript ES module imports its siblings by their output name (`import { x } from "./acl.js"`
// for acl.ts, as module nodenext requires), which ts-node's ESM resolver and tsc map back to the
// source. Compiled to CommonJS here, the import is a require of a file that does not exist: within
// a project being run, a relative `.js`/`.mjs`/`.cjs` request whose file is missing resolves to its
// `.ts`/`.mts`/`.cts` source instead. Installed only while such a project runs (its frame would
// otherwise sit in every require's stack).
let resolveFilename;
function resolveTypeScriptSource(request, parent, ...rest) {
    try {
        return resolveFilename.call(this, request, parent, ...rest);
    } catch (error) {
        const from = parent?.filename;
        const source = /^\.\.?\//.test(request) && typeof from === "string" && scopeOf(from) !== undefined
            ? request.replace(/\.(m|c)?js$/, (_, kind) => `.${kind ?? ""}ts`) : request;
        if (source === request) {
            throw error;
        }
        return resolveFilename.call(this, source, parent, ...rest);
    }
}

/**
 * Where compiled files are kept: `.cache/polyarch-ts` in the nearest node_modules from the project
 * up (a project in a workspace shares its root's), never a node_modules made for it; the system's
 * temporary folder when there is none.
 */
function cacheDirectory(root) {
    for (let dir = root; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "node_modules"))) {
            return path.join(dir, "node_modules", ".cache", "polyarch-ts");
        }
        if (path.dirname(dir) === dir) {
            return path.join(require("os").tmpdir(), "polyarch-ts");
        }
    }
}

/**
 * The text of a tsconfig.json and of every file it `extends`, transitively (a relative path, or a
 * package's file as Node resolves it): what the compiled output depends on, for the cache's key.
 * A file that cannot be read adds its name alone (ts-node reports it when it compiles).
 */
function configChain(file, seen = new Set()) {
    if (seen.has(file)) {
        return "";
    }
    seen.add(file);
    let text;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return `\0${file}`;
    }
    const parsed = require("typescript").parseConfigFileTextToJson(file, text).config ?? {};
    const bases = parsed.extends === undefined ? [] : [].concat(parsed.extends);
    return [text, ...bases.map((base) => {
        let resolved;
        try {
            resolved = require.resolve(/^\.\.?\//.test(base) && !base.endsWith(".json") ? `${base}.json` : base, { paths: [path.dirname(file)] });
        } catch {
            resolved = path.resolve(path.dirname(file), base);
        }
        return configChain(resolved, seen);
    })].join("\0");
}

/**
 * Compiles the files under `projectRoot` as the CLI's ts-node would for that project, with its
 * tsconfig.json when it has one (`tsconfig`), run.js's defaults when not. Returns the function that
 * stops it; files already loaded stay as they were compiled.
 */
function useProjectTsconfig(projectRoot, tsconfig) {
    const parsed = tsconfig === undefined ? {} : require("typescript").parseConfigFileTextToJson(tsconfig, fs.readFileSync(tsconfig, "utf8")).config ?? {};
    // The key: this file and what it extends (ts-node reads them all).
    const text = tsconfig === undefined ? "" : configChain(tsconfig);
    // run.js's defaults under the project's own options (TypeScript >= 4.7: module nodenext).
    const own = { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: true, ...parsed.compilerOptions };
    // Always CommonJS out (an ES module package's TypeScript too, which run-program.ts then reads as
    // one): the project's `module` decides how the CLI's ts-node loads it, not what runs here. What
    // that `module` implies must survive the switch: node16/node18/nodenext turn esModuleInterop on.
    const impliesInterop = /^node(16|18|20|next)$/i.test(String(own.module)) && own.esModuleInterop === undefined;
    const compilerOptions = { ...own, ...(impliesInterop ? { esModuleInterop: true } : {}), module: "commonjs", moduleResolution: "node10" };
    const root = path.resolve(projectRoot) + path.sep;
    const scope = {
        root,
        tsconfig,
        compilerOptions,
        cache: cacheDirectory(root),
        salt: `${tsconfig ?? ""}\0${text}\0${JSON.stringify(compilerOptions)}`,
        service: undefined,
        versions: undefined,
    };
    projectScopes.unshift(scope);
    if (Module._resolveFilename !== resolveTypeScriptSource) {
        resolveFilename = Module._resolveFilename;
        Module._resolveFilename = resolveTypeScriptSource;
    }
    return () => {
        const index = projectScopes.indexOf(scope);
        if (index >= 0) {
            projectScopes.splice(index, 1);
        }
        if (projectScopes.length === 0 && Module._resolveFilename === resolveTypeScriptSource) {
            Module._resolveFilename = resolveFilename;
        }
    };
}

module.exports = { useProjectTsconfig };
