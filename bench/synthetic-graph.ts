import { AnalyzerResourceInput } from "../cli/src/policy-gate/analyzer-client";

/**
 * A stack of `size` resources shaped like polyarch's: per service a component, an ECR repository,
 * a docker-build Image under the component and a Lambda tracing its imageUri to both.
 */
export function syntheticStack(size: number): AnalyzerResourceInput[] {
    const resources: AnalyzerResourceInput[] = [];
    const urn = (type: string, name: string) => `urn:pulumi:bench::polyarch::${type}::${name}`;
    const add = (r: Omit<AnalyzerResourceInput, "dependencies" | "protect">) => {
        resources.push({ ...r, dependencies: [...new Set(Object.values(r.propertyDependencies).flat())], protect: false });
    };
    for (let i = 0; resources.length < size; i++) {
        const name = `svc-${i}`;
        const component = urn("polyarch:image:ServiceImage", name);
        const repo = urn("aws:ecr/repository:Repository", `${name}-repo`);
        const image = urn("polyarch:image:ServiceImage$docker-build:index:Image", `${name}-image`);
        add({ urn: component, type: "polyarch:image:ServiceImage", name, properties: {}, parent: "", propertyDependencies: {} });
        add({
            urn: repo, type: "aws:ecr/repository:Repository", name: `${name}-repo`, parent: "", propertyDependencies: {},
            properties: { imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:us-west-2:1:key/k" }] },
        });
        add({ urn: image, type: "docker-build:index:Image", name: `${name}-image`, parent: component, propertyDependencies: {},
            properties: { platforms: [i % 2 ? "linux/arm64" : "linux/amd64"], push: true } });
        add({
            urn: urn("aws:lambda/function:Function", `${name}-fn`), type: "aws:lambda/function:Function", name: `${name}-fn`, parent: "",
            properties: { packageType: "Image", architectures: [i % 2 ? "arm64" : "x86_64"], imageUri: `r/${name}@sha256:${"c".repeat(64)}`, tracingConfig: { mode: "Active" } },
            propertyDependencies: { imageUri: [repo, image] },
        });
    }
    return resources.slice(0, size);
}
