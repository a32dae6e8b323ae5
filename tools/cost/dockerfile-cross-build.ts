/**
 * Whether a Dockerfile cross-builds: every RUN step runs on the build host's platform (its stage is
 * `FROM --platform=$BUILDPLATFORM`), so BuildKit makes the image for any target platform without
 * emulating a CPU, on any builder. A RUN in a stage of the target platform runs that platform's
 * binaries: it builds for another CPU only on a builder of that CPU or under QEMU.
 */
export type CrossBuild = { crossBuilds: true } | { crossBuilds: false; line: number; stage: string };

const BUILD_PLATFORM = /^--platform=(\$BUILDPLATFORM|\$\{BUILDPLATFORM\})$/i;

export function dockerfileCrossBuilds(text: string): CrossBuild {
    // Stage name (or index) → whether it runs on the build platform.
    const onBuildPlatform = new Map<string, boolean>();
    let stage: { name: string; build: boolean } | undefined;
    let stageIndex = 0;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const lineNumber = i + 1;
        let instruction = lines[i].trim();
        // Continuation lines belong to the instruction that starts here.
        while (instruction.endsWith("\\") && i + 1 < lines.length) {
            instruction = `${instruction.slice(0, -1)} ${lines[++i].trim()}`;
        }
        if (instruction === "" || instruction.startsWith("#")) {
            continue;
        }
        const [keyword, ...words] = instruction.split(/\s+/);
        if (/^from$/i.test(keyword)) {
            const flags = words.filter((w) => w.startsWith("--"));
            const [image, as, name] = words.filter((w) => !w.startsWith("--"));
            const platform = flags.find((f) => /^--platform=/i.test(f));
            // `FROM earlier-stage` without --platform inherits that stage's platform.
            const build = platform !== undefined ? BUILD_PLATFORM.test(platform) : onBuildPlatform.get(image ?? "") ?? false;
            const stageName = as !== undefined && /^as$/i.test(as) && name !== undefined ? name : String(stageIndex);
            onBuildPlatform.set(stageName, build);
            onBuildPlatform.set(String(stageIndex), build);
            stage = { name: stageName, build };
            stageIndex++;
        } else if (/^run$/i.test(keyword) && stage !== undefined && !stage.build) {
            return { crossBuilds: false, line: lineNumber, stage: stage.name };
        }
    }
    return { crossBuilds: true };
}
