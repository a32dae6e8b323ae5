import { distance } from "fastest-levenshtein";

/**
 * The answer to a mistyped flag or config key: "; did you mean '--stack'?" for the nearest of
 * `candidates` within two edits (as npm and git suggest), `prefix` before it, or "" when none is
 * that close. The tools' flags and the stack config's keys (infra/config.ts) use it.
 */
export function didYouMean(word: string, candidates: readonly string[], prefix = ""): string {
    let best: string | undefined;
    let bestDistance = 3;
    for (const candidate of candidates) {
        const d = distance(word.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best === undefined ? "" : `; did you mean '${prefix}${best}'?`;
}
