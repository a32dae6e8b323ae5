import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../support/plan-cli";

const ROOTS = ["platform", "components", "infra", "policies", "cli", "tools", "bench"];

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return entry.name === "node_modules" || entry.name === "dist" ? [] : sources(full);
        }
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

/** Every relative import (type-only ones too: a cycle of types is still two modules that cannot be read apart). */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
    return specifiers.flatMap((specifier) => {
        const base = path.resolve(path.dirname(file), specifier);
        const found = [`${base}.ts`, path.join(base, "index.ts"), base.replace(/\.js$/, ".ts")].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
        return found === undefined ? [] : [found];
    });
}

/** Strongly connected components of more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
    let index = 0;
    const indices = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (node: string) => {
        indices.set(node, index);
        low.set(node, index++);
        stack.push(node);
        onStack.add(node);
        for (const next of graph.get(node) ?? []) {
            if (!indices.has(next)) {
                visit(next);
                low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
            } else if (onStack.has(next)) {
                low.set(node, Math.min(low.get(node) as number, indices.get(next) as number));
            }
        }
        if (low.get(node) === indices.get(node)) {
            const component: string[] = [];
            let member: string;
            do {
                member = stack.pop() as string;
                onStack.delete(member);
                component.push(path.relative(REPO, member));
            } while (member !== node);
            if (component.length > 1) {
                found.push(component.sort());
            }
        }
    };
    for (const node of graph.keys()) {
        if (!indices.has(node)) {
            visit(node);
        }
    }
    return found.sort((a, b) => a[0].localeCompare(b[0]));
}

describe("import cycles (issue 27: modules that can be read, built and moved apart)", () => {
    it("has none: no module of the stack program, the components, the pack, the tools or the bench imports one that imports it back", () => {
        const files = ROOTS.flatMap((root) => sources(path.join(REPO, root)));
        assert.ok(files.length > 100, `only ${files.length} files read`);
        const graph = new Map(files.map((file) => [file, importsOf(file)]));
        assert.deepEqual(cycles(graph), []);
    });
});
