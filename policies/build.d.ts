/** Types of build.js (plain JavaScript: it runs in `prepack` before anything can compile TypeScript). */
export function sourceHash(packDir: string): string;
export function isCurrent(packDir: string): boolean;
export function build(packDir: string): Promise<string>;
/** The platform catalog's build, then the pack's. */
export function buildWithPlatform(packDir: string): Promise<string>;
/** This repository's @polyarch/platform, whose build the pack loads. */
export const PLATFORM_DIR: string;
