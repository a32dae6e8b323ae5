/**
 * Whether a Dockerfile cross-builds: every RUN step runs on the build host's platform (its stage is
 * `FROM --platform=$BUILDPLATFORM`), so BuildKit makes the image for any target platform without
 * emulating a CPU, on any builder. A RUN in a stage of the target platform runs that platform's
 * binaries: it builds for another CPU only on a builder of that CPU or under QEMU. A final stage
 * pinned to one platform (`FROM --platform=linux/amd64 …`) only ever makes that platform.
 *
 * Read as BuildKit's Dockerfile frontend reads it: parser directives (`# escape=`), line
 * continuations (comment lines inside them dropped), heredoc bodies (`RUN <<EOF … EOF`) skipped,
 * instructions and stage names case-insensitive.
 */
export interface DockerfileFacts {
    /** The first RUN in a stage of the target platform, if any. */
    runOnTarget?: { line: number; stage: string };
    /** The final stage's platform when it names a fixed one (not $BUILDPLATFORM or $TARGETPLATFORM). */
    pinnedPlatform?: { platform: string; line: number };
}

const BUILD_PLATFORM = /^\$(BUILDPLATFORM|\{BUILDPLATFORM\})$/i;

/** Instructions with their first line, continuations joined and heredoc bodies left out. */
function instructions(text: string): { line: number; words: string[] }[] {
    const lines = text.split(/\r?\n/);
    let escape = "\\";
    // Parser directives: `# key=value` lines before anything else.
    for (const line of lines) {
        const directive = /^#\s*(\w+)\s*=\s*(\S+)\s*$/.exec(line.trim());
        if (directive === null) {
            break;
        }
        if (directive[1].toLowerCase() === "escape") {
            escape = directive[2];
        }
    }
    const result: { line: number; words: string[] }[] = [];
    for (let i = 0; i < lines.length; i++) {
        const start = i + 1;
        let instruction = lines[i].trim();
        if (instruction === "" || instruction.startsWith("#")) {
            continue;
        }
        while (instruction.endsWith(escape) && i + 1 < lines.length) {
            const next = lines[++i].trim();
            instruction = instruction.slice(0, -escape.length) + (next.startsWith("#") ? "" : ` ${next}`);
        }
        const words = instruction.split(/\s+/);
        result.push({ line: start, words });
        // Heredocs (`<<EOF`, `<<-"EOF"`): their bodies are not instructions.
        for (const word of words) {
            const heredoc = /^<<-?(["']?)([A-Za-z_][A-Za-z0-9_]*)\1$/.exec(word);
            if (heredoc !== null) {
                while (i + 1 < lines.length && lines[i + 1].trim() !== heredoc[2]) {
                    i++;
                }
                i++;
            }
        }
    }
    return result;
}

export function dockerfileFacts(text: string): DockerfileFacts {
    const facts: DockerfileFacts = {};
    // Stage name (lower case) or index → whether it runs on the build platform.
    const onBuildPlatform = new Map<string, boolean>();
    // Stage → the fixed platform it is pinned to, which a stage built FROM it inherits.
    const pinnedOf = new Map<string, { platform: string; line: number } | undefined>();
    let stage: { name: string; build: boolean } | undefined;
    let stageIndex = 0;
    for (const { line, words } of instructions(text)) {
        const keyword = words[0].toLowerCase();
        if (keyword === "from") {
            const flags = words.slice(1).filter((w) => w.startsWith("--"));
            const [image, as, name] = words.slice(1).filter((w) => !w.startsWith("--"));
            const flag = flags.find((f) => /^--platform=/i.test(f));
            const platform = flag?.slice("--platform=".length).replace(/^(["'])(.*)\1$/, "$2");
            // `FROM earlier-stage` without --platform inherits that stage's platform.
            const build = platform !== undefined ? BUILD_PLATFORM.test(platform) : onBuildPlatform.get((image ?? "").toLowerCase()) ?? false;
            const stageName = as !== undefined && as.toLowerCase() === "as" && name !== undefined ? name.toLowerCase() : String(stageIndex);
            const pinned = platform === undefined ? pinnedOf.get((image ?? "").toLowerCase())
                : !platform.startsWith("$") ? { platform, line } : undefined;
            onBuildPlatform.set(stageName, build);
            onBuildPlatform.set(String(stageIndex), build);
            pinnedOf.set(stageName, pinned);
            pinnedOf.set(String(stageIndex), pinned);
            stage = { name: stageName, build };
            stageIndex++;
            // Only the last FROM's pin matters: it is the image's platform.
            facts.pinnedPlatform = pinned;
        } else if (keyword === "run" && stage !== undefined && !stage.build && facts.runOnTarget === undefined) {
            facts.runOnTarget = { line, stage: stage.name };
        }
    }
    if (facts.pinnedPlatform === undefined) {
        delete facts.pinnedPlatform;
    }
    return facts;
}
