import * as pulumi from "@pulumi/pulumi";

/**
 * A refused input. Carries the same `propertyPath`/`reason` pair as `pulumi.InputPropertyError`
 * (and its marker, so Pulumi tooling that checks `InputPropertyError.isInstance` recognises it),
 * but extends `RunError` so the CLI prints the message alone: no stack trace, no program source.
 */
export class PolyarchInputError extends pulumi.RunError {
    /** Marker read by `pulumi.InputPropertyError.isInstance`. */
    public readonly __pulumiInputPropertyError = true;

    constructor(
        /** Where the bad value sits: an input path (`image`) or a config key (`polyarch:services[0].target`). */
        public readonly propertyPath: string,
        /** What was wrong and how to fix it. */
        public readonly reason: string,
        /** Which resource refused it, e.g. `polyarch:compute:AppRunnerService "web"`. */
        public readonly subject?: string,
    ) {
        super(subject ? `${subject}: ${propertyPath}: ${reason}` : `${propertyPath}: ${reason}`);
        this.name = "PolyarchInputError";
    }

    static isInstance(value: unknown): value is PolyarchInputError {
        return value instanceof Error && (value as Partial<PolyarchInputError>).__pulumiInputPropertyError === true
            && typeof (value as Partial<PolyarchInputError>).propertyPath === "string";
    }
}

/** Builds the refusal a component throws before it registers anything. */
export function refuse(typeToken: string, name: string, propertyPath: string, reason: string): PolyarchInputError {
    return new PolyarchInputError(propertyPath, reason, `${typeToken} "${name}"`);
}

/** Refuses a port outside TCP's range, naming the input. */
export function requirePort(typeToken: string, name: string, port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw refuse(typeToken, name, "port", `got ${port}; use a TCP port from 1 to 65535`);
    }
}
