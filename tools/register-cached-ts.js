/**
 * `node -r ./tools/register-cached-ts.js`: what `-r ts-node/register/transpile-only` does (the
 * repository's tsconfig.json, no type check: `npm run build` is the type check), with every
 * compiled file kept in node_modules/.cache/polyarch-ts, keyed by its path, its source, the
 * compiler options and the ts-node and TypeScript versions. An unchanged file is read back instead
 * of compiled, and when nothing changed TypeScript is never loaded: that and the compiling were
 * ~1.5 s of a 6 s `npm run plan` on the dev stack. Plain JavaScript, since it runs before anything
 * can compile TypeScript.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const TSCONFIG = path.join(ROOT, "tsconfig.json");
const CACHE = path.join(ROOT, "node_modules", ".cache", "polyarch-ts");

// Anything that changes the output of a compile changes every key.
const salt = [
    require("ts-node/package.json").version,
    require("typescript/package.json").version,
    fs.readFileSync(TSCONFIG, "utf8"),
    fs.readFileSync(__filename, "utf8"),
].join("\0");

/**
 * Projects the gate runs with their own tsconfig.json (tools/policy-gate/program-entry.ts): their
 * files compile as the CLI's ts-node compiles them, not with this repository's options.
 */
const projectScopes = [];

let service;
function compile(source, filename) {
    const scope = projectScopes.find((s) => filename.startsWith(s.root));
    const key = crypto.createHash("sha256").update(salt).update("\0").update(scope?.salt ?? "").update("\0")
        .update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE, key.slice(0, 2), `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not compiled yet.
    }
    let output;
    if (scope === undefined) {
        service ??= require("ts-node").create({ transpileOnly: true, project: TSCONFIG });
        output = service.compile(source, filename);
    } else {
        scope.service ??= require("ts-node").create({ transpileOnly: true, project: scope.tsconfig, compilerOptions: scope.compilerOptions });
        output = scope.service.compile(source, filename);
    }
    try {
        // Write then rename: a parallel process never reads half a file.
        fs.mkdirSync(path.dirname(cached), { recursive: true });
        const partial = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(partial, output);
        fs.renameSync(partial, cached);
    } catch {
        // A read-only checkout still runs, compiling each time.
    }
    return output;
}

// Node 22.8+ (what users and the workflows run): V8's compile cache for every module this process
// loads, node_modules included; compiling @pulumi/* is most of what a start costs. A no-op on
// older Node; it never throws (a cache it cannot write is skipped). The gate passes the directory
// to the pack's process (analyzer-client.ts).
const Module = require("module");
if (typeof Module.enableCompileCache === "function") {
    Module.enableCompileCache(path.join(ROOT, "node_modules", ".cache", "polyarch-node-compile"));
}

// Stack traces name the TypeScript lines (each output carries its source map inline), as under ts-node.
process.setSourceMapsEnabled(true);

// This repository's own packages run from their sources here, as the rest of the repository does:
// `@polyarch/platform` (a workspace package whose `main` is its build, for those who install it)
// resolves to platform/index.ts for code of this repository outside node_modules.
const PLATFORM_SOURCE = path.join(ROOT, "platform", "index.ts");
const resolveWorkspaceSource = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspacePackage(request, parent, ...rest) {
    if (request === "@polyarch/platform" && typeof parent?.filename === "string" && parent.filename.startsWith(ROOT + path.sep) &&
        !parent.filename.includes(`${path.sep}node_modules${path.sep}`)) {
        return PLATFORM_SOURCE;
    }
    return resolveWorkspaceSource.call(this, request, parent, ...rest);
};



require.extensions[".ts"] = function loadTypeScript(module, filename) {
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) {
        throw new Error(`${filename}: TypeScript inside node_modules is not compiled (as under ts-node)`);
    }
    module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};

// A TypeScript ES module imports its siblings by their output name (`import { x } from "./acl.js"`
// for acl.ts, as module nodenext requires), which ts-node's ESM resolver and tsc map back to the
// source. Compiled to CommonJS here, the import is a require of a file that does not exist: within
// a project the gate runs, a relative `.js`/`.mjs`/`.cjs` request whose file is missing resolves
// to its `.ts`/`.mts`/`.cts` source instead. Installed only while such a project runs (its frame
// would otherwise sit in every require's stack).
const resolveFilename = Module._resolveFilename;
function resolveTypeScriptSource(request, parent, ...rest) {
    try {
        return resolveFilename.call(this, request, parent, ...rest);
    } catch (error) {
        const from = parent?.filename;
        const source = /^\.\.?\//.test(request) && typeof from === "string" && projectScopes.some((s) => from.startsWith(s.root))
            ? request.replace(/\.(m|c)?js$/, (_, kind) => `.${kind ?? ""}ts`) : request;
        if (source === request) {
            throw error;
        }
        return resolveFilename.call(this, source, parent, ...rest);
    }
}

/**
 * @pulumi/pulumi cmd/run/run.js `run`: ts-node gets the project's tsconfig.json (`project`), and as
 * `compilerOptions` run.js's defaults under the file's own `compilerOptions` (read as
 * tsutils.js `loadTypeScriptCompilerOptions` reads them: that file only, no `extends`), so target
 * ES2020 unless the project says otherwise. Type checking is left out here as everywhere in the
 * gate. Returns the function that stops it; files already loaded stay as they were compiled.
 */
function useProjectTsconfig(projectRoot, tsconfig) {
    const text = fs.readFileSync(tsconfig, "utf8");
    const parsed = require("typescript").parseConfigFileTextToJson(tsconfig, text).config ?? {};
    // Always CommonJS out (an ES module package's TypeScript too, which run-program.ts then reads as
    // one): the project's `module` decides how the CLI's ts-node loads it, not what runs here.
    const compilerOptions = { target: "ES2020", sourceMap: true, ...parsed.compilerOptions, module: "commonjs", moduleResolution: "node10" };
    const scope = {
        root: path.resolve(projectRoot) + path.sep,
        tsconfig,
        compilerOptions,
        salt: `${tsconfig}\0${text}\0${JSON.stringify(compilerOptions)}`,
        service: undefined,
    };
    projectScopes.unshift(scope);
    Module._resolveFilename = resolveTypeScriptSource;
    return () => {
        const index = projectScopes.indexOf(scope);
        if (index >= 0) {
            projectScopes.splice(index, 1);
        }
        if (projectScopes.length === 0) {
            Module._resolveFilename = resolveFilename;
        }
    };
}

module.exports = { useProjectTsconfig };
