/**
 * A `pulumi stack export` document (apitype.UntypedDeployment, version 3) made from a program run
 * under the gate as `pulumi up` sees it: what the state of that stack holds after the update.
 * Each resource as stack.SerializeResource writes it: urn, custom, id (custom resources only),
 * type, inputs, outputs, parent, provider, dependencies, propertyDependencies and the options
 * kept in state. Secrets are written as ciphertext, as a passphrase or service secrets provider
 * writes them, so nothing read from the document can reveal one; the ciphertext is a digest, not
 * a real encryption: the audit never decrypts.
 */
import * as crypto from "crypto";
import { RecordedResource } from "../recording-monitor";
import { SECRET_SIG, SIG_KEY, replaceSigned } from "./wire";
import { DEPLOYMENT_SCHEMA_VERSION } from "./state-document";

function sealed(value: unknown): unknown {
    return replaceSigned(value, SECRET_SIG, (secret) => ({
        [SIG_KEY]: SECRET_SIG,
        ciphertext: `v1:${crypto.createHash("sha256").update(JSON.stringify(secret.value ?? null)).digest("base64").slice(0, 24)}`,
    }));
}

/** What the engine keeps for each resource of an update (stack.SerializeResource), in registration order. */
export function exportDeployment(recorded: readonly RecordedResource[], time = "2026-11-28T00:00:00Z"): Record<string, unknown> {
    return {
        version: DEPLOYMENT_SCHEMA_VERSION,
        deployment: {
            manifest: { time, magic: "", version: "v3.209.0" },
            secrets_providers: { type: "passphrase", state: { salt: "v1:polyarch-fixture" } },
            resources: recorded.map((r) => {
                const entry: Record<string, unknown> = { urn: r.urn, custom: r.custom };
                if (r.custom) {
                    entry.id = r.id;
                }
                entry.type = r.type;
                entry.inputs = sealed(r.wireInputs);
                entry.outputs = sealed(r.wireOutputs);
                if (r.parent !== "") {
                    entry.parent = r.parent;
                }
                if (r.protect) {
                    entry.protect = true;
                }
                if (r.dependencies.length > 0) {
                    entry.dependencies = r.dependencies;
                }
                if (r.provider !== "") {
                    entry.provider = r.provider;
                }
                const propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).filter(([, urns]) => urns.length > 0));
                if (Object.keys(propertyDependencies).length > 0) {
                    entry.propertyDependencies = propertyDependencies;
                }
                if (r.retainOnDelete) {
                    entry.retainOnDelete = true;
                }
                if (r.options.ignoreChanges.length > 0) {
                    entry.ignoreChanges = r.options.ignoreChanges;
                }
                if (r.options.additionalSecretOutputs.length > 0) {
                    entry.additionalSecretOutputs = r.options.additionalSecretOutputs;
                }
                return entry;
            }),
        },
    };
}
