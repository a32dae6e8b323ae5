import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, unlessExcluded } from "../lib/policy";
import { rawProps, read } from "../lib/props";

/** Resource types that carry an IAM policy document, and the input that holds it. */
const POLICY_DOCUMENTS: Readonly<Record<string, string>> = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
};

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** Statements allowing every action on every resource. */
export function adminStatements(document: unknown): number[] {
    const parsed = typeof document === "string" ? safeParse(document) : document;
    const statements = asList((parsed as Record<string, unknown> | undefined)?.Statement);
    return statements.flatMap((statement, index) => {
        const s = statement as Record<string, unknown>;
        const allAction = asList(s.Action).some((a) => a === "*" || a === "*:*");
        const allResource = asList(s.Resource).some((r) => r === "*");
        return s.Effect === "Allow" && allAction && allResource && s.NotAction === undefined ? [index] : [];
    });
}

function safeParse(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** `*` on `*` is administrator access: no workload needs it. */
export const iamNoAdminWildcard: ResourceValidationPolicy = {
    name: "iam-no-admin-wildcard",
    description: "No IAM policy may allow every action (*) on every resource (*).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "List the actions the workload calls and scope Resource to the ARNs it touches.",
    configSchema: configSchema(),
    validateResource: unlessExcluded((args, report) => {
        const props = rawProps(args.props);
        const documents: unknown[] = [];
        const input = POLICY_DOCUMENTS[args.type];
        if (input) {
            documents.push(read(props, input));
        } else if (args.type === "aws:iam/role:Role") {
            for (const inline of asList(read(props, "inlinePolicies"))) {
                documents.push((inline as Record<string, unknown>)?.policy);
            }
        } else {
            return;
        }
        for (const document of documents) {
            const offending = adminStatements(document);
            if (offending.length > 0) {
                report(`IAM policy on '${args.name}' (${args.type}) allows Action "*" on Resource "*" (statement ${offending.join(", ")}). ` +
                    "Fix: list the actions needed and scope Resource to specific ARNs.");
            }
        }
    }),
};
