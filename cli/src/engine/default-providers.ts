/**
 * Default providers as the engine creates them: a custom resource registered without a provider
 * gets `pulumi:providers:<package>::default_<major>_<minor>_<patch>`, registered (and analyzed)
 * like any resource, with the package's stack config and its version as inputs.
 * Mirrors pulumi/pulumi pkg/resource/deploy/default_providers.go `newRegisterDefaultProviderEvent`
 * and pkg/resource/deploy/providers/provider.go `(ProviderRequest).DefaultName`.
 */

const PROVIDER_TYPE_PREFIX = "pulumi:providers:";

export function isProviderType(type: string): boolean {
    return type.startsWith(PROVIDER_TYPE_PREFIX);
}

export function providerType(pkg: string): string {
    return `${PROVIDER_TYPE_PREFIX}${pkg}`;
}

/** The package of a resource type token (`aws:lambda/function:Function` → `aws`). */
export function packageOf(type: string): string {
    return type.split(":")[0];
}

/** `default`, or `default_7_48_0` (pre-release and build parts appended with `_`, as QNames forbid dashes). */
export function defaultProviderName(version: string): string {
    const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(version);
    if (match === null) {
        return "default";
    }
    const [, major, minor, patch, pre, build] = match;
    const extra = [...(pre ? pre.split(".") : []), ...(build ? build.split(".") : [])].map((part) => `_${part}`).join("");
    return `default_${major}_${minor}_${patch}${extra}`;
}

/** The provider's inputs: the package's `<package>:<key>` stack config, keys unprefixed, and its version. */
export function defaultProviderInputs(pkg: string, config: Record<string, string>, version: string): Record<string, unknown> {
    const inputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(`${pkg}:`)) {
            inputs[key.slice(pkg.length + 1)] = value;
        }
    }
    if (version !== "") {
        inputs.version = version;
    }
    return inputs;
}
