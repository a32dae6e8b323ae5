import { PolyarchInputError } from "../components/errors";

/** A config problem: the key path, what was wrong, and what is allowed. Never a stack trace. */
export class ConfigError extends PolyarchInputError {
    constructor(keyPath: string, reason: string) {
        super(keyPath, reason);
        this.name = "ConfigError";
    }
}
