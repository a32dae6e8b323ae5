import { strict as assert } from "assert";
import { Registration } from "../support/mock-runtime";
import { runInfra } from "../support/run-infra";

/**
 * The prod safety baseline. Each entry is a setting prod must keep; the test compares the dev and
 * prod graphs so that removing a safeguard from prod (or from the code paths prod uses) fails here.
 */
const DATA_BEARING = ["aws:ecr/repository:Repository", "aws:eks/cluster:Cluster", "aws:kms/key:Key"];

describe("prod safety baseline (dev vs prod graphs)", function () {
    this.timeout(60_000);
    let dev: Registration[];
    let prod: Registration[];
    before(async () => {
        dev = (await runInfra("dev")).registrations;
        prod = (await runInfra("prod")).registrations;
    });
    const ofType = (regs: Registration[], type: string) => regs.filter((r) => r.type === type);

    it("protects and retains every data-bearing resource in prod (ECR, EKS cluster, KMS keys), none in dev", () => {
        for (const type of DATA_BEARING) {
            const prodOnes = ofType(prod, type);
            assert.ok(prodOnes.length > 0, `prod has no ${type}`);
            for (const r of prodOnes) {
                assert.deepEqual([r.name, r.protect, r.retainOnDelete], [r.name, true, true]);
            }
            for (const r of ofType(dev, type)) {
                assert.deepEqual([r.name, r.protect], [r.name, false]);
            }
        }
        // Only data-bearing resources are protected: the rest of prod must stay replaceable.
        const protectedTypes = new Set(prod.filter((r) => r.protect).map((r) => r.type));
        assert.deepEqual([...protectedTypes].sort(), [...DATA_BEARING].sort());
    });

    it("keeps 30-day deletion windows on every prod KMS key, with rotation", () => {
        for (const key of ofType(prod, "aws:kms/key:Key")) {
            assert.deepEqual([key.name, key.inputs.deletionWindowInDays, key.inputs.enableKeyRotation], [key.name, 30, true]);
        }
        for (const key of ofType(dev, "aws:kms/key:Key")) {
            assert.equal(key.inputs.deletionWindowInDays, 7);
        }
    });

    it("never lets an ECR lifecycle rule select a deployed release digest by age or 'any'", () => {
        for (const policy of ofType(prod, "aws:ecr/lifecyclePolicy:LifecyclePolicy")) {
            const rules = JSON.parse(String(policy.inputs.policy)).rules as any[];
            for (const rule of rules) {
                assert.notEqual(rule.selection.tagStatus, "any", policy.name);
                if (rule.selection.tagStatus === "tagged") {
                    assert.equal(rule.selection.countType, "imageCountMoreThan", "tagged images expire by count only, never by age");
                    assert.ok(rule.selection.countNumber >= 3);
                }
            }
        }
    });

    it("keeps prod ECR tags immutable, never force-deleted, with a customer KMS key", () => {
        for (const repo of ofType(prod, "aws:ecr/repository:Repository")) {
            assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
            assert.equal(repo.inputs.forceDelete, false);
            assert.match(String((repo.inputs.encryptionConfigurations as any)[0].kmsKey), /^arn:aws:kms:/);
        }
    });
});
