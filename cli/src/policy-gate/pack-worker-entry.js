"use strict";
// A worker thread starts without its parent's require hooks. Installed, the CLI is compiled
// (pack-worker.js beside this file); run from this repository's sources, TypeScript compiles as
// `npm run plan` compiles it (the repository's loader, three folders up).
const fs = require("fs");
const path = require("path");
if (fs.existsSync(path.join(__dirname, "pack-worker.ts"))) {
    require(path.join(__dirname, "..", "..", "..", "tools", "register-cached-ts.js"));
    require("./pack-worker.ts");
} else {
    require("./pack-worker.js");
}
