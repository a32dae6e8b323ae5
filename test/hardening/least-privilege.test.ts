import { strict as assert } from "assert";
import { Registration } from "../support/mock-runtime";
import { runInfra } from "../support/run-infra";

const ALLOWED_MANAGED_POLICIES = new Set([
    "AmazonEKSClusterPolicy", // the cluster role
    "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly", // node roles
]);
/** Actions IAM offers no resource-level scoping for, so "*" is their only possible Resource. */
const UNSCOPABLE = new Set(["ecr:GetAuthorizationToken", "xray:PutTraceSegments", "xray:PutTelemetryRecords"]);

for (const stack of ["dev", "prod"]) {
    describe(`least privilege in the ${stack} graph`, function () {
        this.timeout(60_000);
        let regs: Registration[];
        before(async () => { regs = (await runInfra(stack)).registrations; });

        it("attaches only the EKS cluster and node managed policies, nothing else", () => {
            const attached = regs.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .map((r) => String(r.inputs.policyArn).split("/").pop() ?? "");
            assert.ok(attached.length > 0);
            for (const policy of attached) {
                assert.ok(ALLOWED_MANAGED_POLICIES.has(policy), `unexpected managed policy ${policy}`);
            }
        });

        it("scopes every inline policy: no wildcard action, '*' resources only for unscopable actions", () => {
            const documents = regs.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
            assert.ok(documents.length >= 3);
            for (const doc of documents) {
                for (const statement of JSON.parse(String(doc.inputs.policy)).Statement) {
                    const actions: string[] = [].concat(statement.Action);
                    assert.ok(actions.every((a) => !a.includes("*")), `${doc.name}: wildcard action in ${actions}`);
                    if ([].concat(statement.Resource).includes("*" as never)) {
                        assert.ok(actions.every((a) => UNSCOPABLE.has(a)), `${doc.name}: ${actions} on "*"`);
                    }
                }
            }
        });

        it("lets each ECR pull reach only its own service's repository", () => {
            const repoArns = new Map(regs.filter((r) => r.type === "aws:ecr/repository:Repository")
                .map((r) => [String(r.inputs.name).split("/").pop(), `arn:aws:ecr:us-west-2:123456789012:repository/${String(r.inputs.name)}`]));
            const pulls = regs.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")
                .flatMap((doc) => JSON.parse(String(doc.inputs.policy)).Statement
                    .filter((s: any) => s.Sid === "EcrPull").map((s: any) => [doc.name, s.Resource]));
            assert.ok(pulls.length >= 2);
            for (const [policyName, resource] of pulls) {
                const service = String(policyName).replace(/-(ecr-pull|execution)$/, "");
                assert.equal(resource, repoArns.get(service), `${policyName} pulls from ${resource}`);
            }
        });
    });
}
