#!/usr/bin/env node
// The installed `polyarch` command: the compiled CLI. The projects' TypeScript compiles as the
// Pulumi CLI compiles it (project-typescript.js); V8's compile cache spares the next run the
// compiling of @pulumi/* (a no-op before Node 22.8).
"use strict";
const Module = require("module");
if (typeof Module.enableCompileCache === "function") {
    Module.enableCompileCache();
}
require("../dist/project-typescript.js");
const { main } = require("../dist/main.js");
const { runCommand } = require("../dist/command.js");
runCommand(main);
