import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import * as path from "path";
import { StackSettings, parseStackConfig } from "./config";

/** `isConfigSecret` ships in the runtime but is marked internal, so it is absent from the typings. */
const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret(key: string): boolean };

/** The project root: infra/ sits directly under the directory holding Pulumi.yaml. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

export interface RuntimeSettings {
    settings: StackSettings;
    /** `polyarch:services` was set with --secret (or holds a secure value): treat env values as secrets. */
    secretServices: boolean;
}

/** Reads the stack's config exactly as the Pulumi CLI hands it to the program, and validates it. */
export function loadRuntimeSettings(): RuntimeSettings {
    const settings = parseStackConfig(pulumi.runtime.allConfig(), { stack: pulumi.getStack(), projectRoot: PROJECT_ROOT });
    return { settings, secretServices: isConfigSecret("polyarch:services") };
}
