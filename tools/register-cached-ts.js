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
const { cachedCompile } = require("../cli/src/compile-cache.js");

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

let service;
function compile(source, filename) {
    const key = crypto.createHash("sha256").update(salt).update("\0")
        .update(filename).update("\0").update(source).digest("hex");
    return cachedCompile(CACHE, key, () => {
        service ??= require("ts-node").create({ transpileOnly: true, project: TSCONFIG });
        return service.compile(source, filename);
    });
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

// This repository's own packages run from their sources here, as the rest of the repository does,
// for code of this repository outside node_modules: `@polyarch/platform` (a workspace package
// whose `main` is its build, for those who install it) resolves to platform/index.ts, and the
// pack's modules the CLI imports (`polyarch-policies/dist/lib/images`, what an install holds) to
// their sources under policies/.
const PLATFORM_SOURCE = path.join(ROOT, "platform", "index.ts");
const PACK_BUILD = "polyarch-policies/dist/";
const resolveWorkspaceSource = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspacePackage(request, parent, ...rest) {
    if (typeof parent?.filename === "string" && parent.filename.startsWith(ROOT + path.sep) &&
        !parent.filename.includes(`${path.sep}node_modules${path.sep}`)) {
        if (request === "@polyarch/platform") {
            return PLATFORM_SOURCE;
        }
        if (request.startsWith(PACK_BUILD)) {
            return resolveWorkspaceSource.call(this, path.join(ROOT, "policies", request.slice(PACK_BUILD.length)), parent, ...rest);
        }
    }
    return resolveWorkspaceSource.call(this, request, parent, ...rest);
};

require.extensions[".ts"] = function loadTypeScript(module, filename) {
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) {
        throw new Error(`${filename}: TypeScript inside node_modules is not compiled (as under ts-node)`);
    }
    module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};

// The projects the gate runs compile as the Pulumi CLI compiles them, with their own tsconfig.json
// (the CLI's project-typescript.js, which hands every other file back to the handler above).
require("../cli/src/project-typescript.js");
