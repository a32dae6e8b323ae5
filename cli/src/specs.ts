/**
 * Each command's flags, help and exit codes, apart from the command itself: `polyarch --help` and
 * the parsing of a command line load this module only, never a command's program runner.
 */
import { CommandSpec } from "./command";

export const PLAN: CommandSpec = {
    name: "plan",
    summary: "Run a project's program offline under the policy packs, as `pulumi preview --policy-pack` would",
    description: "Run a Pulumi project's program offline, under Pulumi's mocks, and check it with the policy packs as the engine\n" +
        "does during `pulumi preview --policy-pack` (or `pulumi up` with --update): no cloud account, no Pulumi CLI.\n" +
        "Prints each workload's image platform and compute architecture, what it costs on each architecture, every\n" +
        "diagnostic, and PASS or FAIL. The bundled polyarch pack runs unless --policy-pack names the packs to run.",
    synopsis: "[flags]",
    flags: [
        { name: "project", value: "DIR", description: "the Pulumi project (default: the nearest folder holding Pulumi.yaml, from here up)" },
        { name: "stack", short: "s", value: "NAME", description: "the stack whose Pulumi.<NAME>.yaml the program runs with (default: the project's only stack, else dev)" },
        { name: "update", description: "analyze as `pulumi up` sends it, outputs known, instead of as a preview" },
        { name: "state", value: "FILE", description: "the deployed stack's `pulumi stack export`: plan the preview of an update of it" },
        { name: "registry", description: "run the registry rules against the registries themselves (ECR with your AWS credentials)" },
        { name: "policy-pack", value: "DIR", multiple: true, description: "run this policy pack instead of the bundled one; `polyarch` names the bundled pack" },
        { name: "policy-pack-config", value: "FILE", multiple: true, description: "the JSON config of the pack of the corresponding --policy-pack (of the bundled pack without one)" },
        { name: "prices", value: "table|live", description: "the cost estimate's prices: the dated table (default) or the AWS Price List API" },
        { name: "json", description: "print the report as one JSON document" },
        { name: "markdown", description: "print the report as Markdown (a pull request's summary)" },
    ],
    exitCodes: [
        [0, "no mandatory diagnostic"],
        [1, "at least one mandatory diagnostic"],
        [2, "bad usage, or a bad flag, project file, stack config or policy config (one line naming it)"],
        [3, "the program failed or cannot run here (another language, a call to the cloud), the preview failed, or the gate could not run"],
    ],
    examples: [
        "polyarch plan --stack dev",
        "polyarch plan --project ../billing --stack prod --markdown >> \"$GITHUB_STEP_SUMMARY\"",
        "polyarch plan --policy-pack polyarch --policy-pack ./our-pack --policy-pack-config prod.json --policy-pack-config ours.json",
    ],
};

export const AUDIT: CommandSpec = {
    name: "audit",
    summary: "Check a deployed stack's state (`pulumi stack export`) with the bundled pack, offline",
    description: "Check what a stack has already deployed: run the bundled policy pack over the state file `pulumi stack export`\n" +
        "writes, as `pulumi policy analyze --file` does, with no cloud account. --registry also reads every deployed\n" +
        "image's platforms from its registry (ECR with your AWS credentials).",
    synopsis: "FILE [flags]",
    flags: [
        { name: "stack", short: "s", value: "NAME", description: "the stack, for the pack's config/NAME.json (default: the stack the state's URNs name)" },
        { name: "registry", description: "read every deployed image from its registry" },
        { name: "policy-pack-config", value: "FILE", description: "the bundled pack's JSON config" },
        { name: "json", description: "print the report as one JSON document" },
    ],
    exitCodes: [
        [0, "no mandatory diagnostic"],
        [1, "at least one mandatory diagnostic"],
        [2, "bad usage, or a bad state or config file (one line naming it)"],
        [3, "the pack could not run"],
    ],
    examples: ["pulumi stack export --stack prod > prod.json && polyarch audit prod.json --registry"],
};

export const VERIFY_IMAGES: CommandSpec = {
    name: "verify-images",
    summary: "Build every image the project's program would build, on every planned platform, and check what each holds",
    description: "Build every docker-build Image the project's program registers, for each platform the recorded plan gives it\n" +
        "(the same Dockerfile, context, build args and target), with a real OCI builder (buildah) and a loopback registry,\n" +
        "then check what the registry and the image's own files say: one manifest per platform, the config's os/arch, the\n" +
        "machine of every ELF file, a numeric non-root USER, the HEALTHCHECK, the size budget, and that the image's code\n" +
        "runs (under qemu-user for a foreign CPU). Needs root, buildah, skopeo, qemu-user-static, debootstrap and\n" +
        "docker-registry (installed from Debian's archive when missing); base images come from local stand-ins.",
    synopsis: "[flags]",
    flags: [
        { name: "project", value: "DIR", description: "the Pulumi project (default: the nearest folder holding Pulumi.yaml, from here up)" },
        { name: "stacks", value: "A,B", description: "the stacks whose programs are recorded (default: every Pulumi.<stack>.yaml of the project)" },
        { name: "prove-checks", description: "also build deliberately broken variants, and fail unless each is caught" },
    ],
    exitCodes: [
        [0, "every image passed"],
        [1, "a check failed"],
        [2, "bad usage, a missing tool, or a base image with no local stand-in"],
        [3, "the program failed or the command could not run"],
    ],
    examples: ["polyarch verify-images --stacks dev", "polyarch verify-images --project ../billing --prove-checks"],
};
