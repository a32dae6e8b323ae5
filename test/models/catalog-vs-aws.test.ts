import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { APPRUNNER_INSTANCE_SIZES, EXPRESS_TASK_SIZES, FARGATE_TASK_SIZES, cpuChoices } from "@polyarch/platform";
import { EKS_LOG_TYPES } from "../../components/eks-cluster";
import * as catalog from "../../components/platform";
import { LOG_RETENTION_DAYS, NODE_CAPACITY_TYPES } from "../../infra/config-schema";
import {
    APPRUNNER_PATTERNS, MODEL, expressLimitsFromProvider, expressPairsFromModels, fargatePairsFromModel, logRetentionDaysFromModel, memberDoc,
} from "../support/aws-models";
import { PROJECT_ROOT } from "../support/run-infra";

const sorted = (values: Iterable<string | number>) => [...values].map(String).sort();

describe("the platform catalog and size tables agree with AWS's service models", () => {
    it("knows exactly the EKS API's AMI types (all but CUSTOM), with the architecture each name says", () => {
        assert.deepEqual(sorted([...Object.keys(catalog.EKS_AMI_TYPES), catalog.EKS_CUSTOM_AMI_TYPE]), sorted(MODEL.eks.AMITypes.values));
        for (const [amiType, arch] of Object.entries(catalog.EKS_AMI_TYPES)) {
            // The model's own naming: ARM_64 (upper-case) boots arm64, x86_64 (lower-case) boots x86_64.
            const named = amiType.includes("_ARM_64") ? "arm64" : amiType.includes("_x86_64") ? "x86_64" : undefined;
            assert.equal(arch, named, amiType);
        }
        for (const arch of catalog.ARCHITECTURES) {
            for (const os of ["al2023", "bottlerocket"] as const) {
                assert.ok(MODEL.eks.AMITypes.values.includes(catalog.nodeGroupAmiType(arch, os)), `${arch} ${os}`);
            }
        }
    });

    it("spells each architecture as Lambda's and ECS's enums do, one spelling per architecture", () => {
        assert.deepEqual(sorted(catalog.ARCHITECTURES.map(catalog.lambdaArchitecture)), sorted(MODEL.lambda.Architecture.values));
        assert.deepEqual(sorted(catalog.ARCHITECTURES.map(catalog.ecsCpuArchitecture)), sorted(MODEL.ecs.CPUArchitecture.values));
    });

    it("encodes ECS Express Mode's architecture behaviour as the ECS model documents it", () => {
        // Express's architecture enum is ECS's spelling of the catalog's architectures.
        assert.deepEqual(sorted(catalog.ARCHITECTURES.map(catalog.ecsCpuArchitecture)), sorted(MODEL.ecs.ExpressCpuArchitecture.values));
        // Without cpuArchitecture (never set: @pulumi/aws 7.48 has no such input), the service declares X86_64...
        const created = memberDoc("ecs", "CreateExpressGatewayServiceRequest", "cpuArchitecture");
        assert.match(created, /If you don't specify a value, the default is X86_64\./);
        assert.equal(catalog.ecsCpuArchitecture(catalog.ECS_EXPRESS.declaredArchitecture), "X86_64");
        // ...and ECS runs another architecture when it detects a mismatch in an Express deployment.
        const override = memberDoc("ecs", "RuntimePlatformOverride", "cpuArchitecture");
        assert.match(override, /when Amazon ECS detects an architecture mismatch during an Amazon ECS Express deployment and runs tasks on a different architecture/);
        assert.equal(catalog.ECS_EXPRESS.detectsImageArchitecture, true);
        // So: a single arm64 image runs arm64; anything with amd64 runs x86_64.
        assert.equal(catalog.expressRunArchitecture(["arm64"]), "arm64");
        assert.equal(catalog.expressRunArchitecture(["arm64", "x86_64"]), "x86_64");
        assert.equal(catalog.expressRunArchitecture([]), undefined);
        // The scaling metric polyarch sets is one the model has.
        assert.ok(MODEL.ecs.ExpressGatewayServiceScalingMetric.values.includes("AVERAGE_CPU"));
    });

    it("has the Fargate CPU/memory pairs the ECS model documents, no more and no fewer", () => {
        const model = fargatePairsFromModel();
        assert.deepEqual(Object.fromEntries(Object.entries(FARGATE_TASK_SIZES).map(([cpu, m]) => [cpu, [...m]])), model);
    });

    it("has the ECS Express Mode pairs: the model's Fargate pairs within the provider's documented Express limits, no more and no fewer", () => {
        // Express runs Fargate tasks: the model says so of the task definition it may be given.
        assert.match(memberDoc("ecs", "CreateExpressGatewayServiceRequest", "taskDefinitionArn"), /must also have FARGATE compatibility/);
        // The model documents Express's cpu and memory by their defaults only; if it ever states a
        // range, these fail and the table is to be derived from that range instead.
        const cpuDoc = memberDoc("ecs", "CreateExpressGatewayServiceRequest", "cpu");
        const memoryDoc = memberDoc("ecs", "CreateExpressGatewayServiceRequest", "memory");
        assert.match(cpuDoc, /The default value for an Express service is 256 \(\.25 vCPU\)\./);
        assert.match(memoryDoc, /The default value for an express service is 512 MiB\./);
        for (const doc of [cpuDoc, memoryDoc, memberDoc("ecs", "UpdateExpressGatewayServiceRequest", "cpu"), memberDoc("ecs", "UpdateExpressGatewayServiceRequest", "memory")]) {
            assert.doesNotMatch(doc, /valid values|between|maximum|minimum|up to/i, doc);
        }
        // The range, then, is the provider's: cpu 256, 512, 1024, 2048, 4096; memory 512 to 8192.
        assert.deepEqual(expressLimitsFromProvider(), { cpus: [256, 512, 1024, 2048, 4096], memory: { min: 512, max: 8192 } });
        assert.deepEqual(Object.fromEntries(Object.entries(EXPRESS_TASK_SIZES).map(([cpu, m]) => [cpu, [...m]])), expressPairsFromModels());
        // polyarch's defaults (256 CPU, the smallest memory) are the model's Express defaults.
        assert.deepEqual([cpuChoices(EXPRESS_TASK_SIZES)[0], EXPRESS_TASK_SIZES[256][0]], [256, 512]);
    });

    it("has App Runner sizes that each match the API's Cpu and Memory patterns", () => {
        for (const [cpu, memories] of Object.entries(APPRUNNER_INSTANCE_SIZES)) {
            assert.match(cpu, APPRUNNER_PATTERNS.Cpu);
            memories.forEach((memory) => assert.match(String(memory), APPRUNNER_PATTERNS.Memory));
        }
    });

    it("offers the log retentions, EKS log types and capacity types the models have", () => {
        assert.deepEqual([...LOG_RETENTION_DAYS], logRetentionDaysFromModel());
        assert.deepEqual(sorted(EKS_LOG_TYPES), sorted(MODEL.eks.LogType.values));
        NODE_CAPACITY_TYPES.forEach((t) => assert.ok(MODEL.eks.CapacityTypes.values.includes(t), t));
    });

    it("names only real EKS AMI types in the README and the pack's README", () => {
        for (const file of ["README.md", "policies/README.md"]) {
            const text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
            for (const token of text.match(/\b(AL2023|AL2|BOTTLEROCKET|WINDOWS)_[A-Za-z0-9_]+/g) ?? []) {
                assert.ok(MODEL.eks.AMITypes.values.includes(token), `${file} names '${token}', which is not in eks.AMITypes`);
            }
        }
    });
});
