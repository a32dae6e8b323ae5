"use strict";
// A worker thread starts without its parent's require hooks: compile TypeScript as `npm run plan` does.
require("../register-cached-ts.js");
require("./pack-worker.ts");
