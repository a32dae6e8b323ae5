/**
 * What a provider returns for a resource during `pulumi preview`, where that is more than "every
 * output it computes is unknown" (the engine's default for a create or an update it cannot see).
 *
 * docker-build is the one the pack depends on (pulumi/pulumi-docker-build at the version the
 * lockfile pins, provider/internal/image.go and index.go):
 * - `Image` with `buildOnPreview` (default true) and every input known builds during a preview
 *   and returns the digest it built, but never pushes (`validate` in export.go turns push off
 *   during a preview). So the digest is known and names nothing in the registry.
 * - `Image` with `buildOnPreview: false`, or with an unknown input, returns its computed outputs
 *   unknown.
 * - `Index` pushes nothing during a preview and returns `ref` as its bare tag, without a digest.
 */

/** The outputs a provider's preview computes for a resource, by name; others stay unknown. */
export function previewOutputs(type: string, inputs: Record<string, unknown>, computed: Record<string, unknown>,
    isUnknown: (value: unknown) => boolean): Record<string, unknown> {
    switch (type) {
        case "docker-build:index:Image":
            // Built but not pushed: the digest is known, and absent from the registry until `up`.
            return inputs.buildOnPreview !== false && !isUnknown(inputs) ? computed : {};
        case "docker-build:index:Index":
            return typeof inputs.tag === "string" && !isUnknown(inputs.tag) ? { ref: inputs.tag } : {};
        default:
            return {};
    }
}
