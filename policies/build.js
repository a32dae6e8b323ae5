/**
 * `npm run build` (and `prepack`): compiles the pack into dist/, what `pulumi preview
 * --policy-pack` runs (the package's `main`), and records the hash of the sources it was built
 * from in dist/.source-hash. The offline gate compares that hash to run the pack as the CLI
 * does, from its build, rebuilding it only when a source changed. dist/ is emptied first: a
 * source file removed must not leave its module behind for Node to resolve.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");

const TSCONFIG = "tsconfig.build.json";
const STAMP = path.join("dist", ".source-hash");

/** The files tsconfig.build.json compiles (its `include`: files, and `dir/**\/*.ts` patterns), relative and sorted. */
function sourceFiles(packDir) {
    const { include } = JSON.parse(fs.readFileSync(path.join(packDir, TSCONFIG), "utf8"));
    const files = [];
    for (const pattern of include) {
        const tree = /^([\w.-]+)\/\*\*\/\*\.ts$/.exec(pattern);
        if (tree) {
            const dir = path.join(packDir, tree[1]);
            if (fs.existsSync(dir)) {
                files.push(...fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(".ts")).map((f) => path.join(tree[1], f)));
            }
        } else if (/^[\w.-]+\.ts$/.test(pattern)) {
            files.push(pattern);
        } else {
            throw new Error(`${TSCONFIG}: include pattern '${pattern}' is neither a file nor 'dir/**/*.ts'; teach policies/build.js to read it`);
        }
    }
    return files.sort();
}

/** sha256 over the build's inputs: every compiled source, the compiler options and the package manifest. */
function sourceHash(packDir) {
    const hash = crypto.createHash("sha256");
    for (const file of [TSCONFIG, "package.json", ...sourceFiles(packDir)]) {
        hash.update(file).update("\0").update(fs.readFileSync(path.join(packDir, file))).update("\0");
    }
    return hash.digest("hex");
}

/** Whether dist/ was built from the sources as they are now. */
function isCurrent(packDir) {
    try {
        return fs.readFileSync(path.join(packDir, STAMP), "utf8").trim() === sourceHash(packDir);
    } catch {
        return false;
    }
}

/** Builds dist/ (type-checked); resolves with tsc's output, or rejects with it when the pack does not compile. */
function build(packDir) {
    const hash = sourceHash(packDir);
    fs.rmSync(path.join(packDir, "dist"), { recursive: true, force: true });
    const tsc = require.resolve("typescript/bin/tsc", { paths: [packDir] });
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [tsc, "-p", TSCONFIG], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (chunk) => { output += chunk; });
        child.stderr.on("data", (chunk) => { output += chunk; });
        child.once("error", reject);
        child.once("exit", (code) => {
            if (code !== 0) {
                reject(new Error(output.trim() || `tsc exited with code ${code}`));
                return;
            }
            fs.writeFileSync(path.join(packDir, STAMP), `${hash}\n`);
            resolve(output);
        });
    });
}

/**
 * The platform catalog the pack requires at run time (`@polyarch/platform`, a workspace package in
 * this repository, installed from npm elsewhere): built first when its sources changed, so the
 * pack type-checks against it and its dist/ is what the pack loads.
 */
const PLATFORM_DIR = path.resolve(__dirname, "..", "platform");

async function buildWithPlatform(packDir) {
    const outputs = [];
    if (fs.existsSync(PLATFORM_DIR) && !isCurrent(PLATFORM_DIR)) {
        outputs.push(await build(PLATFORM_DIR));
    }
    outputs.push(await build(packDir));
    return outputs.join("");
}

module.exports = { sourceHash, isCurrent, build, buildWithPlatform, PLATFORM_DIR };

if (require.main === module) {
    buildWithPlatform(__dirname).then((output) => process.stdout.write(output), (err) => {
        process.stderr.write(`${err.message}\n`);
        process.exit(1);
    });
}
