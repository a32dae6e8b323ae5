/**
 * The compiled-file cache both TypeScript loaders share (project-typescript.js for the projects the
 * CLI runs, tools/register-cached-ts.js for this repository): the output for `key` from `dir`, or
 * `compile()`'s, written for the next run. Plain JavaScript: it runs before anything can compile
 * TypeScript.
 */
"use strict";
const fs = require("fs");
const path = require("path");

function cachedCompile(dir, key, compile) {
    const cached = path.join(dir, key.slice(0, 2), `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not compiled yet.
    }
    const output = compile();
    try {
        // Write then rename: a parallel process never reads half a file.
        fs.mkdirSync(path.dirname(cached), { recursive: true });
        const partial = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(partial, output);
        fs.renameSync(partial, cached);
    } catch {
        // A read-only folder still runs, compiling each time.
    }
    return output;
}

module.exports = { cachedCompile };
