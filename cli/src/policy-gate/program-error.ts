/**
 * The program could not run, or failed while running: a missing config value, an exception it
 * threw, a module it imports that is not installed, a project the gate cannot run. `npm run plan`
 * prints the message as one line (`error: <message>`) and exits 3; the message names the user's
 * file and line, or the stack file to fix, never the gate's internals.
 */
export class ProgramError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProgramError";
    }

    static isInstance(value: unknown): value is ProgramError {
        return value instanceof ProgramError;
    }
}
