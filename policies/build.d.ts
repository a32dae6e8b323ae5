/** Types of build.js (plain JavaScript: it runs in `prepack` before anything can compile TypeScript). */
export function sourceHash(packDir: string): string;
export function isCurrent(packDir: string): boolean;
export function build(packDir: string): Promise<string>;
