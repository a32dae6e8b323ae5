// The polyarch CrossGuard pack. This file only assembles it; each rule lives in rules/<name>.ts.
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("polyarch", {
    description: "Rejects compute whose CPU architecture disagrees with its container image, plus ECR/EKS/Lambda/IAM hygiene.",
    policies: POLICIES,
});
