import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Directories never sent to the builder in practice and never part of an image's identity. */
const ALWAYS_SKIPPED = new Set([".git", "node_modules", "__pycache__", ".venv", "target", ".pytest_cache"]);

/** Hashes already computed in this process, keyed by directory: many services may share one context. */
const cache = new Map<string, string>();

/**
 * A stable digest of a build context's files (paths and contents, in sorted order). It names a
 * release tag, so an unchanged service keeps its tag and a changed one gets a new tag, which an
 * immutable ECR repository requires. It is a name, not a security boundary: BuildKit still
 * decides what the image contains.
 */
export function hashBuildContext(directory: string): string {
    const root = path.resolve(directory);
    const known = cache.get(root);
    if (known !== undefined) {
        return known;
    }
    const hash = crypto.createHash("sha256");
    const walk = (dir: string): void => {
        const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
        for (const entry of entries) {
            if (ALWAYS_SKIPPED.has(entry.name)) {
                continue;
            }
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.isFile()) {
                hash.update(path.relative(root, full).split(path.sep).join("/"));
                hash.update("\0");
                hash.update(fs.readFileSync(full));
                hash.update("\0");
            }
        }
    };
    walk(root);
    const digest = hash.digest("hex");
    cache.set(root, digest);
    return digest;
}
