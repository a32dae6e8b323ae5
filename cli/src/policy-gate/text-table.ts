export interface Style {
    bold(text: string): string;
    red(text: string): string;
    yellow(text: string): string;
    green(text: string): string;
    dim(text: string): string;
}

/** ANSI colour only where a person reads a terminal (and NO_COLOR is unset). */
export function styleFor(stream: NodeJS.WriteStream): Style {
    const on = Boolean(stream.isTTY) && process.env.NO_COLOR === undefined;
    const wrap = (code: string) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
    return { bold: wrap("1"), red: wrap("31"), yellow: wrap("33"), green: wrap("32"), dim: wrap("2") };
}

export function table(headers: string[], rows: string[][], cell: (text: string, column: number, row: number) => string): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (values: string[], styled: (t: string, c: number) => string) =>
        values.map((v, i) => styled(v.padEnd(widths[i]), i)).join("  ").trimEnd();
    return [line(headers, (t) => t), line(widths.map((w) => "-".repeat(w)), (t) => t),
        ...rows.map((r, rowIndex) => line(r, (t, c) => cell(t, c, rowIndex)))].join("\n");
}
