import { AnalysisCounts } from "./resource-analysis";

/** What the progress line needs of a stream: process.stderr, or a fake in tests. */
export interface ProgressStream {
    isTTY?: boolean;
    columns?: number;
    write(text: string): unknown;
}

export interface ProgressLineOptions {
    /** Nothing is shown before this many ms: a stack that plans in a moment gets no line at all. */
    delayMs?: number;
    /** At most one redraw per this many ms (each is a write to the terminal). */
    intervalMs?: number;
    now?: () => number;
}

/** "\r" to column 0, then ESC [ K: erase to the end of the line (ECMA-48 EL). */
const ERASE_LINE = "\r\u001b[K";

/**
 * The one-line "registered N · analyzed M" status `npm run plan` redraws in place on a terminal
 * while a long stack is planned. The program under mocks keeps the main thread from the event
 * loop until its last registration, so no timer could redraw it then: the line is redrawn from
 * the registration callback itself, throttled by the clock, and a TTY's writes are synchronous.
 * Only for a terminal ({@link ProgressLine.for} returns undefined otherwise): a pipe, a file or
 * `--json` gets nothing extra.
 */
export class ProgressLine {
    private readonly delayMs: number;
    private readonly intervalMs: number;
    private readonly now: () => number;
    private readonly startedAt: number;
    private lastDrawAt = -Infinity;
    private shown = false;

    constructor(private readonly stream: ProgressStream, options: ProgressLineOptions = {}) {
        this.delayMs = options.delayMs ?? 1000;
        this.intervalMs = options.intervalMs ?? 100;
        this.now = options.now ?? Date.now;
        this.startedAt = this.now();
    }

    /** A progress line on `stream` if it is a terminal that understands "erase line"; else undefined. */
    static for(stream: ProgressStream, options?: ProgressLineOptions): ProgressLine | undefined {
        return stream.isTTY === true && process.env.TERM !== "dumb" ? new ProgressLine(stream, options) : undefined;
    }

    /** Redraws the line with these counts, unless it is too early or was redrawn too recently. */
    update(counts: AnalysisCounts): void {
        const now = this.now();
        if (now - this.startedAt < this.delayMs || now - this.lastDrawAt < this.intervalMs) {
            return;
        }
        this.lastDrawAt = now;
        this.shown = true;
        this.stream.write(`${ERASE_LINE}${fitted(progressText(counts), this.stream.columns)}`);
    }

    /** Prints a whole line (a progress message) above the status line, which the next update redraws. */
    message(line: string): void {
        this.clear();
        this.stream.write(`${line}\n`);
        // Redraw at the next update, however soon.
        this.lastDrawAt = -Infinity;
    }

    /** Erases the line if it is shown, leaving the cursor at column 0 for what is printed next. */
    clear(): void {
        if (this.shown) {
            this.stream.write(ERASE_LINE);
            this.shown = false;
        }
    }
}

export function progressText({ registered, analyzed }: AnalysisCounts): string {
    const n = (value: number) => value.toLocaleString("en-US");
    return `registered ${n(registered)} resources · analyzed ${n(analyzed)}`;
}

/** Cut to the terminal's width: a line that wraps can no longer be erased with one "\r". */
function fitted(text: string, columns: number | undefined): string {
    return columns !== undefined && columns > 1 && text.length >= columns ? `${text.slice(0, columns - 2)}…` : text;
}
