import * as fs from "fs";
import * as path from "path";

/** Calls `visit` with the path of every regular file under `dir` (symlinks are not followed). */
export function forEachFile(dir: string, visit: (file: string) => void): void {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            forEachFile(full, visit);
        } else if (entry.isFile()) {
            visit(full);
        }
    }
}
