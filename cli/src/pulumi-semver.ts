import * as path from "path";

/** What the CLI asks of semver: whether a version is in a range, and a range's lowest version. */
export interface Semver {
    satisfies(version: string, range: string): boolean;
    minVersion(range: string): { major: number } | null;
}

/**
 * @pulumi/pulumi's own semver (a dependency of it; what run.js checks `engines` with), so the CLI
 * needs no semver of its own and reads ranges as the SDK does.
 */
export function pulumiSemver(): Semver {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve("semver", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] })) as Semver;
}
