import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { build, isCurrent, sourceHash } from "../../policies/build";
import { REPO } from "../support/plan-cli";

/**
 * policies/build.js decides whether the offline gate may run the pack's build or must rebuild it
 * first: a stale dist/ would gate a pull request with yesterday's policies.
 */
describe("the policy pack's build and its source hash", function () {
    this.timeout(120_000);
    let pack: string;
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(pack, file)), { recursive: true });
        fs.writeFileSync(path.join(pack, file), text);
    };

    beforeEach(() => {
        // Inside the repository, so the pack's build finds TypeScript as policies/ does.
        fs.mkdirSync(path.join(REPO, "node_modules", ".cache"), { recursive: true });
        pack = fs.mkdtempSync(path.join(REPO, "node_modules", ".cache", "polyarch-pack-build-"));
        write("tsconfig.build.json", JSON.stringify({
            compilerOptions: { strict: true, module: "commonjs", target: "es2022", outDir: "dist", rootDir: "." },
            include: ["index.ts", "lib/**/*.ts"],
        }));
        write("package.json", JSON.stringify({ name: "pack", main: "dist/index.js" }));
        write("index.ts", "import { level } from \"./lib/level\";\nexport const pack = level;\n");
        write("lib/level.ts", "export const level: string = \"mandatory\";\n");
    });
    afterEach(() => fs.rmSync(pack, { recursive: true, force: true }));

    it("is current after a build, and stale after any compiled source, the compiler options or the manifest change", async () => {
        assert.equal(isCurrent(pack), false, "never built");
        await build(pack);
        assert.equal(isCurrent(pack), true);
        assert.match(fs.readFileSync(path.join(pack, "dist", "lib", "level.js"), "utf8"), /mandatory/);
        const built = sourceHash(pack);
        for (const [file, text] of [
            ["lib/level.ts", "export const level: string = \"advisory\";\n"],
            ["lib/deeper/new.ts", "export const x = 1;\n"],
            ["package.json", JSON.stringify({ name: "pack", main: "dist/index.js", version: "1.0.0" })],
        ]) {
            const before = fs.existsSync(path.join(pack, file)) ? fs.readFileSync(path.join(pack, file), "utf8") : undefined;
            write(file, text);
            assert.notEqual(sourceHash(pack), built, `${file} changed`);
            assert.equal(isCurrent(pack), false, `${file} changed`);
            if (before === undefined) {
                fs.rmSync(path.join(pack, file));
            } else {
                write(file, before);
            }
            assert.equal(isCurrent(pack), true, `${file} restored`);
        }
        // A file outside what tsconfig.build.json compiles is not an input.
        write("notes.md", "not compiled");
        assert.equal(isCurrent(pack), true);
    });

    it("leaves no module of a removed source behind, and refuses a pack that does not compile with tsc's message", async () => {
        write("lib/old.ts", "export const old = 1;\n");
        await build(pack);
        assert.ok(fs.existsSync(path.join(pack, "dist", "lib", "old.js")));
        fs.rmSync(path.join(pack, "lib", "old.ts"));
        await build(pack);
        assert.equal(fs.existsSync(path.join(pack, "dist", "lib", "old.js")), false, "Node would still resolve the removed module");

        write("lib/level.ts", "export const level: string = 42;\n");
        await assert.rejects(build(pack), /lib\/level\.ts.*error TS2322: Type 'number' is not assignable to type 'string'/);
        assert.equal(isCurrent(pack), false, "a failed build is never current");
    });
});
