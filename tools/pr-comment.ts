/**
 * `npm run pr:comment -- FILE...`: keeps one comment on the pull request with the plans' Markdown
 * (`npm run plan -- --markdown` for each stack), found again by a hidden marker and edited in place
 * on every push, never a new comment per push.
 *
 * In GitHub Actions: GITHUB_TOKEN (the workflow's, with `pull-requests: write`), GITHUB_REPOSITORY,
 * GITHUB_EVENT_PATH (the pull request's number) and GITHUB_API_URL (GitHub Enterprise too) are what
 * the runner sets. Fails soft: when the token may not comment (a pull request from a fork gets a
 * read-only token) or GitHub errs, it warns (an Actions `::warning::`) and exits 0, the job summary
 * carrying the same text. Exit 2: bad usage, a missing file or variable.
 */
import * as fs from "fs";
import type { Octokit } from "@octokit/rest";
import { parseArgs } from "node:util";
import { runCommand, writeAll } from "../cli/src/command";

/** What identifies polyarch's comment among the pull request's comments. */
export const COMMENT_MARKER = "<!-- polyarch-plan -->";

/** GitHub refuses a comment body over 65,536 characters. */
export const MAX_COMMENT_LENGTH = 65536;

const USAGE = "usage: npm run pr:comment -- [--pr NUMBER] FILE...  (GITHUB_TOKEN, GITHUB_REPOSITORY; the pull request from GITHUB_EVENT_PATH)";

export function commentBody(documents: string[]): string {
    const body = `${COMMENT_MARKER}\n${documents.map((d) => d.trim()).join("\n\n---\n\n")}\n`;
    if (body.length <= MAX_COMMENT_LENGTH) {
        return body;
    }
    const note = "\n\n…cut to GitHub's comment limit: the workflow run's summary has all of it.\n";
    return body.slice(0, MAX_COMMENT_LENGTH - note.length) + note;
}

class Usage extends Error {}

function pullRequestNumber(explicit: string | undefined, env: NodeJS.ProcessEnv): number {
    if (explicit !== undefined) {
        if (!/^[1-9]\d*$/.test(explicit)) {
            throw new Usage(`--pr must be a pull request number, got '${explicit}'`);
        }
        return Number(explicit);
    }
    const eventPath = env.GITHUB_EVENT_PATH;
    if (eventPath === undefined) {
        throw new Usage("no pull request: pass --pr NUMBER, or run in a pull_request workflow (GITHUB_EVENT_PATH)");
    }
    const event = JSON.parse(fs.readFileSync(eventPath, "utf8")) as { pull_request?: { number?: number }; number?: number };
    const number = event.pull_request?.number ?? event.number;
    if (typeof number !== "number") {
        throw new Usage(`GITHUB_EVENT_PATH (${eventPath}) is not a pull request's event; pass --pr NUMBER`);
    }
    return number;
}

export interface CommentOutcome {
    action: "created" | "updated" | "skipped";
    id?: number;
    warning?: string;
}

/** Creates the comment, or edits the one that carries the marker. Never throws for GitHub's answers: returns a warning. */
export async function upsertComment(octokit: Octokit, target: { owner: string; repo: string; pr: number }, body: string): Promise<CommentOutcome> {
    try {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
            owner: target.owner, repo: target.repo, issue_number: target.pr, per_page: 100,
        });
        // Only a bot's (the workflow token's) comment is ours: a person quoting the marker is not edited.
        const ours = comments.find((c) => c.user?.type === "Bot" && (c.body ?? "").includes(COMMENT_MARKER));
        if (ours !== undefined) {
            await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: ours.id, body });
            return { action: "updated", id: ours.id };
        }
        const created = await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.pr, body });
        return { action: "created", id: created.data.id };
    } catch (error) {
        const status = (error as { status?: number }).status;
        const why = status === 403 || status === 404
            ? `the token may not comment on pull request #${target.pr} (HTTP ${status}; a pull request from a fork gets a read-only token)`
            : `GitHub answered ${status ?? "nothing"}: ${(error as Error).message.split("\n")[0]}`;
        return { action: "skipped", warning: `plan comment not written: ${why}; the job summary has the plan` };
    }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    let files: string[];
    let pr: number;
    let owner: string;
    let repo: string;
    try {
        const parsed = parseArgs({ args: argv, options: { pr: { type: "string" }, help: { type: "boolean", short: "h" } }, allowPositionals: true });
        if (parsed.values.help) {
            await writeAll(process.stdout, `${USAGE}\n`);
            return 0;
        }
        files = parsed.positionals;
        if (files.length === 0) {
            throw new Usage("name at least one Markdown file (npm run plan -- --markdown > plan.md)");
        }
        for (const file of files) {
            if (!fs.existsSync(file)) {
                throw new Usage(`${file} does not exist`);
            }
        }
        [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
        if (!owner || !repo) {
            throw new Usage("GITHUB_REPOSITORY must be owner/name (GitHub Actions sets it)");
        }
        if (!env.GITHUB_TOKEN) {
            throw new Usage("GITHUB_TOKEN is not set; pass the workflow's token: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}");
        }
        pr = pullRequestNumber(parsed.values.pr, env);
    } catch (error) {
        await writeAll(process.stderr, `error: ${(error as Error).message}\n${USAGE}\n`);
        return 2;
    }
    // A plan that could not run printed nothing (its error is in the step's log): leave it out.
    const documents = files.map((file) => fs.readFileSync(file, "utf8")).filter((text) => text.trim() !== "");
    if (documents.length === 0) {
        await writeAll(process.stdout, `::warning title=polyarch plan comment::plan comment not written: ${files.join(", ")} ${files.length === 1 ? "is" : "are"} empty (the plan did not run; its step's log says why)\n`);
        return 0;
    }
    // An ES module, loaded when a comment is to be written.
    const { Octokit } = await import("@octokit/rest");
    const octokit = new Octokit({ auth: env.GITHUB_TOKEN, baseUrl: env.GITHUB_API_URL ?? "https://api.github.com", request: { retries: 0 } });
    const outcome = await upsertComment(octokit, { owner, repo, pr }, commentBody(documents));
    if (outcome.warning !== undefined) {
        await writeAll(process.stdout, `::warning title=polyarch plan comment::${outcome.warning}\n`);
        return 0;
    }
    await writeAll(process.stdout, `plan comment ${outcome.action}: ${outcome.id}\n`);
    return 0;
}

if (require.main === module) {
    runCommand((argv) => main(argv));
}
