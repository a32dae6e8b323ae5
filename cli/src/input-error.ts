/**
 * A refused flag, project file, stack config or policy config value: exit 2 with its message
 * alone, never a stack trace. It carries `pulumi.InputPropertyError`'s marker and its
 * `propertyPath`/`reason` pair, as `@polyarch/components`' PolyarchInputError does, so one check
 * (`isInstance`) recognises the CLI's own refusals and the ones a program throws (a component's
 * refused input, a config error, Pulumi's own InputPropertyError) without importing any of them.
 */
export class InputError extends Error {
    /** Marker read by `pulumi.InputPropertyError.isInstance`. */
    public readonly __pulumiInputPropertyError = true;

    constructor(
        /** Where the bad value sits: a flag (`--stack`), a file and key (`Pulumi.yaml: main`). */
        public readonly propertyPath: string,
        /** What was wrong and how to fix it. */
        public readonly reason: string,
    ) {
        super(`${propertyPath}: ${reason}`);
        this.name = "InputError";
    }

    /** Any refused input, whichever copy of whichever package threw it. */
    static isInstance(value: unknown): value is Error & { propertyPath: string; reason: string } {
        return value instanceof Error && (value as Partial<InputError>).__pulumiInputPropertyError === true
            && typeof (value as Partial<InputError>).propertyPath === "string";
    }
}
