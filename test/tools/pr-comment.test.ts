import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { COMMENT_MARKER, MAX_COMMENT_LENGTH, commentBody } from "../../tools/pr-comment";
import { REPO } from "../support/plan-cli";

interface Comment {
    id: number;
    body: string;
    user: { login: string; type: "Bot" | "User" };
}

/**
 * A fake of the GitHub REST endpoints the comment step calls (GET/POST
 * /repos/{owner}/{repo}/issues/{n}/comments, PATCH /repos/{owner}/{repo}/issues/comments/{id}), on
 * loopback, answering as api.github.com documents: paginated lists with a Link header, 201 on
 * create, 403 "Resource not accessible by integration" for a read-only token.
 */
class FakeGitHub {
    comments: Comment[] = [];
    requests: string[] = [];
    perPage = 100;
    readOnly = false;
    private nextId = 1000;
    private server = http.createServer((req, res) => this.handle(req, res));

    async start(): Promise<string> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }

    add(body: string, type: Comment["user"]["type"] = "User"): Comment {
        const comment = { id: this.nextId++, body, user: { login: type === "Bot" ? "github-actions[bot]" : "octocat", type } };
        this.comments.push(comment);
        return comment;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        this.requests.push(`${req.method} ${url.pathname}${url.search} auth=${req.headers.authorization ?? "none"}`);
        let raw = "";
        req.on("data", (chunk) => (raw += chunk));
        req.on("end", () => {
            const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
                res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
                res.end(JSON.stringify(body));
            };
            const list = /^\/repos\/acme\/shop\/issues\/42\/comments$/.exec(url.pathname);
            const edit = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(url.pathname);
            if (list && req.method === "GET") {
                const page = Number(url.searchParams.get("page") ?? "1");
                const slice = this.comments.slice((page - 1) * this.perPage, page * this.perPage);
                const last = Math.max(1, Math.ceil(this.comments.length / this.perPage));
                const link: Record<string, string> = page < last
                    ? { link: `<http://${req.headers.host}${url.pathname}?per_page=${this.perPage}&page=${page + 1}>; rel="next"` } : {};
                return send(200, slice, link);
            }
            if (this.readOnly && (req.method === "POST" || req.method === "PATCH")) {
                return send(403, { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" });
            }
            if (list && req.method === "POST") {
                return send(201, this.add((JSON.parse(raw) as { body: string }).body, "Bot"));
            }
            const comment = edit && this.comments.find((c) => c.id === Number(edit[1]));
            if (comment && req.method === "PATCH") {
                comment.body = (JSON.parse(raw) as { body: string }).body;
                return send(200, comment);
            }
            return send(404, { message: "Not Found" });
        });
    }
}

function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["-r", "./tools/register-cached-ts.js", "tools/pr-comment.ts", ...args], {
            cwd: REPO, env: { PATH: process.env.PATH ?? "", ...env },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

describe("npm run pr:comment (the pull request's plan comment)", function () {
    this.timeout(60_000);
    let github: FakeGitHub;
    let env: Record<string, string>;
    let dir: string;
    let dev: string;
    let prod: string;

    beforeEach(async () => {
        github = new FakeGitHub();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-comment-"));
        const event = path.join(dir, "event.json");
        fs.writeFileSync(event, JSON.stringify({ action: "synchronize", number: 42, pull_request: { number: 42 } }));
        dev = path.join(dir, "plan-dev.md");
        prod = path.join(dir, "plan-prod.md");
        fs.writeFileSync(dev, "## polyarch plan — stack dev\n\n**PASS**: 0 mandatory\n");
        fs.writeFileSync(prod, "## polyarch plan — stack prod\n\n**PASS**: 0 mandatory\n");
        env = { GITHUB_API_URL: await github.start(), GITHUB_REPOSITORY: "acme/shop", GITHUB_TOKEN: "ghs_fake", GITHUB_EVENT_PATH: event };
    });

    afterEach(async () => {
        await github.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("creates one comment with the marker and both stacks' plans, then edits that same comment on the next push", async () => {
        const first = await run([dev, prod], env);
        assert.equal(first.status, 0, first.stderr);
        assert.equal(github.comments.length, 1);
        const [comment] = github.comments;
        assert.ok(comment.body.startsWith(COMMENT_MARKER));
        assert.match(comment.body, /stack dev[\s\S]*stack prod/);
        assert.ok(github.requests.every((r) => r.endsWith("auth=token ghs_fake")), github.requests.join("\n"));

        fs.writeFileSync(dev, "## polyarch plan — stack dev\n\n**FAIL**: 1 mandatory\n");
        const second = await run([dev, prod], env);
        assert.equal(second.status, 0, second.stderr);
        assert.equal(github.comments.length, 1, "a push edits the comment, never adds one");
        assert.equal(github.comments[0].id, comment.id);
        assert.match(github.comments[0].body, /FAIL/);
        assert.match(second.stdout, new RegExp(`plan comment updated: ${comment.id}`));
    });

    it("finds its comment on a later page, and leaves alone a person's comment that quotes the marker", async () => {
        github.perPage = 2;
        github.add(`a reviewer quoting ${COMMENT_MARKER}`, "User");
        github.add("lgtm", "User");
        github.add("another bot's note", "Bot");
        const ours = github.add(`${COMMENT_MARKER}\nold plan`, "Bot");
        const result = await run([dev], env);
        assert.equal(result.status, 0, result.stderr);
        assert.equal(github.comments.length, 4);
        assert.match(ours.body, /stack dev/);
        assert.equal(github.comments[0].body, `a reviewer quoting ${COMMENT_MARKER}`);
        assert.ok(github.requests.some((r) => r.includes("page=2")), "the second page was read");
    });

    it("fails soft when the token may not comment (a fork's read-only token): a warning, exit 0, nothing written", async () => {
        github.readOnly = true;
        const result = await run([dev], env);
        assert.equal(result.status, 0, result.stderr);
        assert.equal(github.comments.length, 0);
        assert.match(result.stdout, /^::warning title=polyarch plan comment::plan comment not written: the token may not comment on pull request #42 \(HTTP 403; a pull request from a fork gets a read-only token\)/m);
    });

    it("refuses bad usage with exit 2 and one line naming what is missing", async () => {
        const noToken = await run([dev], { ...env, GITHUB_TOKEN: "" });
        assert.equal(noToken.status, 2);
        assert.match(noToken.stderr, /^error: GITHUB_TOKEN is not set/);
        const noFile = await run([path.join(dir, "missing.md")], env);
        assert.equal(noFile.status, 2);
        assert.match(noFile.stderr, /missing\.md does not exist/);
        const badPr = await run(["--pr", "abc", dev], env);
        assert.equal(badPr.status, 2);
        assert.match(badPr.stderr, /--pr must be a pull request number, got 'abc'/);
        assert.equal(github.requests.length, 0, "nothing was sent");
    });

    it("leaves out a plan that printed nothing, and writes no comment when every plan is empty", async () => {
        fs.writeFileSync(prod, "");
        const one = await run([dev, prod], env);
        assert.equal(one.status, 0, one.stderr);
        assert.equal(github.comments.length, 1);
        assert.doesNotMatch(github.comments[0].body, /---/, "no empty section");
        fs.writeFileSync(dev, "\n");
        github.comments = [];
        const none = await run([dev, prod], env);
        assert.equal(none.status, 0);
        assert.equal(github.comments.length, 0);
        assert.match(none.stdout, /^::warning title=polyarch plan comment::plan comment not written: .*plan-dev\.md, .*plan-prod\.md are empty/m);
    });

    it("cuts a body over GitHub's limit and says where the rest is", () => {
        const body = commentBody(["x".repeat(MAX_COMMENT_LENGTH)]);
        assert.equal(body.length, MAX_COMMENT_LENGTH);
        assert.match(body, /the workflow run's summary has all of it\.\n$/);
    });
});
