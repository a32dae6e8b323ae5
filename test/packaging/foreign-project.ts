/**
 * A Pulumi project that never heard of polyarch, as `pulumi new aws-typescript` would start it
 * and a team would grow it: its own tsconfig.json, a monorepo's `../shared/tags.ts` outside its
 * folder, and an amd64 image run by an arm64 Lambda (the mistake the gate exists for). The
 * packaging suites plan it with the installed `polyarch`, under each package manager's layout.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

export function write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
}

/** Writes the project into `app` (named after its folder), and the shared module beside it. */
export function writeMismatchedTypeScriptProject(app: string): void {
    const name = path.basename(app);
    write(path.join(app, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\ndescription: aws-typescript, as pulumi new makes it\n`);
    write(path.join(app, "Pulumi.dev.yaml"), `config:\n  aws:region: us-west-2\n  ${name}:owner: payments\n`);
    write(path.join(app, "package.json"), JSON.stringify({ name, main: "index.ts" }));
    // Its own options: without its esModuleInterop, `import path from "path"` is undefined at run time.
    write(path.join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, target: "es2022", module: "commonjs", esModuleInterop: true } }));
    write(path.join(app, "app", "Dockerfile"), "FROM public.ecr.aws/lambda/nodejs:22\nCOPY index.js ${LAMBDA_TASK_ROOT}\nCMD [\"index.handler\"]\n");
    // A monorepo's shared TypeScript outside the project's folder, compiled as ts-node compiles it: with the project's options.
    write(path.join(app, "..", "shared", "tags.ts"), "export const tagsFor = (owner: string, project: string): Record<string, string> => ({ owner, project });\n");
    write(path.join(app, "index.ts"), `import * as aws from "@pulumi/aws";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import path from "path";
import { tagsFor } from "../shared/tags";

const owner: string = new pulumi.Config().require("owner");
const repo = new aws.ecr.Repository("app", { imageTagMutability: "IMMUTABLE", tags: tagsFor(owner, path.basename(__dirname)) });
// Built on an x86 runner for an arm64 (Graviton) Lambda: the classic mistake.
const image = new dockerbuild.Image("app", {
    context: { location: "./app" },
    platforms: ["linux/amd64"],
    push: true,
    tags: [pulumi.interpolate\`\${repo.repositoryUrl}:v1\`],
});
const role = new aws.iam.Role("app", {
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
});
export const fn = new aws.lambda.Function("app", {
    packageType: "Image",
    imageUri: pulumi.interpolate\`\${repo.repositoryUrl}@\${image.digest}\`,
    architectures: ["arm64"],
    role: role.arn,
}).arn;
`);
}

/** What `polyarch plan --json` must say of that project: exit 1, the rule on the Lambda, the config and tsconfig honoured. */
export function assertMismatchFound(app: string, run: { status: number | null; stdout: string; stderr: string }): void {
    const name = path.basename(app);
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { stack: string; diagnostics: { policy: string; level: string; urn: string }[]; resources: { type: string; inputs: Record<string, unknown> }[] };
    assert.equal(report.stack, "dev", "the project's only stack");
    const mismatch = report.diagnostics.find((d) => d.policy === "lambda-architecture-matches-image");
    assert.equal(mismatch?.level, "mandatory");
    assert.equal(mismatch?.urn, `urn:pulumi:dev::${name}::aws:lambda/function:Function::app`);
    assert.deepEqual(report.resources.find((r) => r.type === "aws:ecr/repository:Repository")?.inputs.tags, { owner: "payments", project: name },
        "the project's config reached the program, compiled with its own tsconfig.json");
}

/** What stderr says besides progress lines, notices (--json's) and the Node.js version warning. */
export function said(stderr: string): string[] {
    return stderr.split("\n").filter((line) => line !== "" && !/^(starting|analyzing|notice: |warning: Node\.js)/.test(line));
}
