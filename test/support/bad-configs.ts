import { stringify } from "yaml";
import { devConfigWith, devServices } from "./stack-config";

/** One refused stack config: its YAML, and the exact one-line message a user must see. */
export interface BadConfig {
    label: string;
    yaml: string;
    message: string;
}

/** Pulumi.<stack>.yaml text for a flat config map (JSON values become YAML structures). */
function yamlOf(config: Record<string, string>): string {
    const decoded = Object.fromEntries(Object.entries(config).map(([k, v]) => {
        try { return [k, JSON.parse(v)]; } catch { return [k, v]; }
    }));
    return stringify({ config: decoded });
}

const service = (index: number, changes: Record<string, unknown>) =>
    yamlOf(devConfigWith({ "polyarch:services": devServices((e, i) => (i === index ? { ...e, ...changes } : e)) }));

/** Every refusal issue 7 lists, each checked by its exact message. `STACK` stands for the stack file name. */
export const BAD_CONFIGS: BadConfig[] = [
    { label: "unknown target", yaml: service(1, { target: "lambada" }),
        message: "polyarch:services[1].target: got 'lambada'; allowed: 'lambda', 'eks', 'apprunner', 'ecs' or 'ecs-express'" },
    { label: "architecture not in the catalog", yaml: service(0, { architecture: "riscv64" }),
        message: "polyarch:services[0].architecture: got 'riscv64'; allowed: 'arm64' or 'x86_64'" },
    { label: "arm64 on App Runner", yaml: service(3, { architecture: "arm64" }),
        message: "polyarch:services[3].architecture: got 'arm64' for target 'apprunner'; App Runner runs only x86_64 (linux/amd64) images; use target 'ecs' (Fargate) for arm64" },
    { label: "duplicate service names", yaml: service(1, { name: "thumbnails" }),
        message: "polyarch:services[1].name: 'thumbnails' is already used by polyarch:services[0]; service names must be unique" },
    { label: "a name that is not ECR/DNS safe", yaml: service(0, { name: "Thumb_Nails" }),
        message: "polyarch:services[0].name: got 'Thumb_Nails'; must be 2-32 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-' (ECR and DNS safe)" },
    { label: "a context that does not exist", yaml: service(0, { context: "services/missing" }),
        message: "polyarch:services[0].context: directory 'services/missing' does not exist under the project root" },
    { label: "a context that escapes the project", yaml: service(0, { context: "../../etc" }),
        message: "polyarch:services[0].context: '../../etc' is outside the project; use a path relative to the project root such as services/thumbnails" },
    { label: "a missing Dockerfile", yaml: service(2, { dockerfile: "services/storefront/Dockerfile.prod" }),
        message: "polyarch:services[2].dockerfile: no Dockerfile at 'services/storefront/Dockerfile.prod'; add one or set polyarch:services[2].dockerfile" },
    { label: "a misspelled key", yaml: service(1, { replica: 2 }),
        message: "polyarch:services[1]: unknown key 'replica'; did you mean 'replicas'?; remove it or fix its spelling" },
    { label: "a wrong type (string memory)", yaml: service(0, { memory: "1024" }),
        message: "polyarch:services[0].memory: expected number, got string '1024'" },
    { label: "Lambda memory above AWS's bound", yaml: service(0, { memory: 10241 }),
        message: "polyarch:services[0].memory: got 10241; must be <= 10240" },
    { label: "Lambda timeout above AWS's bound", yaml: service(0, { timeout: 901 }),
        message: "polyarch:services[0].timeout: got 901; must be <= 900" },
    { label: "EKS instance types of the other architecture", yaml: yamlOf(devConfigWith({ "polyarch:eks": { instanceTypes: ["c5.large"] } })),
        message: "polyarch:eks.instanceTypes[0]: 'c5.large' is x86_64 but this node group is arm64; use arm64 types such as 'm7g.large'" },
    { label: "an empty services list", yaml: yamlOf(devConfigWith({ "polyarch:services": [] })),
        message: "polyarch:services: must list at least one service" },
    { label: "a missing services list", yaml: yamlOf(devConfigWith({}, ["polyarch:services"])),
        message: "polyarch:services: is not set; list the stack's services, e.g. [{ name: api, target: lambda, context: services/hello-lambda }]" },
    { label: "a YAML syntax error", yaml: "config:\n  aws:region: us-west-2\n  polyarch:services: [\n    { name: a\n",
        message: "STACK:5:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }" },
];
