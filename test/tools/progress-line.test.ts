import { strict as assert } from "assert";
import { ProgressLine, progressText } from "../../cli/src/policy-gate/progress-line";

/** A terminal that records what is written, with a clock the test moves. */
function terminal(columns = 120) {
    const writes: string[] = [];
    let now = 0;
    const stream = { isTTY: true, columns, write: (text: string) => writes.push(text) };
    return { stream, writes, tick: (ms: number) => (now += ms), now: () => now };
}

describe("the plan's progress line", () => {
    it("is only for a terminal: a pipe or a file gets no line", () => {
        assert.equal(ProgressLine.for({ isTTY: false, write: () => undefined }), undefined);
        assert.equal(ProgressLine.for({ write: () => undefined }), undefined);
        assert.ok(ProgressLine.for({ isTTY: true, write: () => undefined }) instanceof ProgressLine);
    });

    it("shows nothing for a stack planned in a moment, then redraws in place at most every 100 ms", () => {
        const t = terminal();
        const line = new ProgressLine(t.stream, { delayMs: 1000, intervalMs: 100, now: t.now });
        line.update({ registered: 10, analyzed: 0 });
        t.tick(999);
        line.update({ registered: 900, analyzed: 850 });
        assert.deepEqual(t.writes, [], "nothing before the delay");
        t.tick(1);
        line.update({ registered: 1200, analyzed: 1100 });
        t.tick(50);
        line.update({ registered: 1300, analyzed: 1250 });
        t.tick(50);
        line.update({ registered: 11070, analyzed: 10999 });
        assert.deepEqual(t.writes, [
            "\r\u001b[Kregistered 1,200 resources · analyzed 1,100",
            "\r\u001b[Kregistered 11,070 resources · analyzed 10,999",
        ]);
    });

    it("prints messages above the line and erases the line at the end", () => {
        const t = terminal();
        const line = new ProgressLine(t.stream, { delayMs: 0, now: t.now });
        line.clear();
        assert.deepEqual(t.writes, [], "nothing to erase before anything was shown");
        line.update({ registered: 5, analyzed: 1 });
        line.message("analyzing 5 resources…");
        line.update({ registered: 5, analyzed: 3 });
        line.clear();
        assert.deepEqual(t.writes, [
            "\r\u001b[Kregistered 5 resources · analyzed 1",
            "\r\u001b[K", "analyzing 5 resources…\n",
            "\r\u001b[Kregistered 5 resources · analyzed 3",
            "\r\u001b[K",
        ]);
    });

    it("never wraps on a narrow terminal (a wrapped line cannot be erased in place)", () => {
        const t = terminal(20);
        new ProgressLine(t.stream, { delayMs: 0, now: t.now }).update({ registered: 11070, analyzed: 10999 });
        const drawn = t.writes[0].replace("\r\u001b[K", "");
        assert.ok(drawn.length < 20, drawn);
        assert.ok(progressText({ registered: 11070, analyzed: 10999 }).startsWith(drawn.slice(0, -1)));
    });
});
