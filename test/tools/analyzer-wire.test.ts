import { strict as assert } from "assert";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import fc from "fast-check";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerResourceInput } from "../../cli/src/policy-gate/analyzer-client";
import { encodeAnalyzeRequest, encodeAnalyzeStackRequest, encodeAnalyzerResource } from "../../cli/src/policy-gate/analyzer-wire";

/**
 * The reference: the same request built with the generated classes and serialized by
 * google-protobuf, which is what the gate sent before it encoded requests itself.
 */
function referenceFields<T extends analyzer.AnalyzeRequest | analyzer.AnalyzerResource>(message: T, resource: AnalyzerResourceInput): T {
    const options = new analyzer.AnalyzerResourceOptions();
    options.setProtect(resource.protect);
    options.setParent(resource.parent);
    if (resource.options) {
        options.setIgnorechangesList(resource.options.ignoreChanges);
        options.setDeletebeforereplace(resource.options.deleteBeforeReplace ?? false);
        options.setDeletebeforereplacedefined(resource.options.deleteBeforeReplace !== undefined);
        options.setAdditionalsecretoutputsList(resource.options.additionalSecretOutputs);
        const timeouts = new analyzer.AnalyzerResourceOptions.CustomTimeouts();
        timeouts.setCreate(resource.options.customTimeouts.create);
        timeouts.setUpdate(resource.options.customTimeouts.update);
        timeouts.setDelete(resource.options.customTimeouts.delete);
        options.setCustomtimeouts(timeouts);
    }
    if (resource.provider) {
        const provider = new analyzer.AnalyzerProviderResource();
        provider.setUrn(resource.provider.urn);
        provider.setType(resource.provider.type);
        provider.setName(resource.provider.name);
        provider.setProperties(Struct.fromJavaScript(resource.provider.properties as Record<string, never>));
        message.setProvider(provider);
    }
    message.setType(resource.type);
    message.setUrn(resource.urn);
    message.setName(resource.name);
    message.setProperties(Struct.fromJavaScript(resource.properties as Record<string, never>));
    message.setOptions(options);
    return message;
}

function referenceStackEntry(resource: AnalyzerResourceInput): analyzer.AnalyzerResource {
    const entry = referenceFields(new analyzer.AnalyzerResource(), resource);
    entry.setParent(resource.parent);
    entry.setDependenciesList(resource.dependencies);
    for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
        const list = new analyzer.AnalyzerPropertyDependencies();
        list.setUrnsList(urns);
        entry.getPropertydependenciesMap().set(key, list);
    }
    return entry;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

// Strings of every length class: empty, short, over 127 and over 16,383 UTF-8 bytes (one-, two- and
// three-byte length prefixes), with non-ASCII text.
const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ minLength: 130, maxLength: 300 }),
    fc.constantFrom("", "a".repeat(16_400), "é".repeat(9000)));
// Map keys: any text but "__proto__", which google-protobuf's jspb.Map stores on a plain object and
// so loses (the Go engine, like our encoder, would send it; no Pulumi input is named so).
const key = text.filter((k) => k !== "__proto__");
const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.double({ noNaN: true }), fc.integer(), text,
        fc.array(tie("value"), { maxLength: 4 }), tie("object")),
    object: fc.dictionary(key, tie("value"), { maxKeys: 5 }),
})).object as fc.Arbitrary<Record<string, unknown>>;
const urns = fc.array(text, { maxLength: 3 });
const resource: fc.Arbitrary<AnalyzerResourceInput> = fc.record({
    urn: text, type: text, name: text, parent: text,
    properties: json,
    dependencies: urns,
    propertyDependencies: fc.dictionary(key, urns, { maxKeys: 3 }),
    protect: fc.boolean(),
    options: fc.option(fc.record({
        ignoreChanges: urns,
        deleteBeforeReplace: fc.option(fc.boolean(), { nil: undefined }),
        additionalSecretOutputs: urns,
        customTimeouts: fc.record({ create: fc.constantFrom(0, 300, 0.5), update: fc.constantFrom(0, 60), delete: fc.constantFrom(0, 1200) }),
    }), { nil: undefined }),
    provider: fc.option(fc.record({ urn: text, type: text, name: text, properties: json }), { nil: undefined }),
}, { requiredKeys: ["urn", "type", "name", "parent", "properties", "dependencies", "propertyDependencies", "protect"] });

describe("analyzer requests encoded without google-protobuf objects", () => {
    it("are byte for byte what google-protobuf serializes: AnalyzeRequest (Remediate, Analyze)", () => {
        fc.assert(fc.property(resource, (r) => {
            assert.equal(hex(encodeAnalyzeRequest(r)), hex(referenceFields(new analyzer.AnalyzeRequest(), r).serializeBinary()));
        }), { numRuns: 300 });
    });

    it("are byte for byte what google-protobuf serializes: AnalyzerResource and AnalyzeStackRequest", () => {
        fc.assert(fc.property(fc.array(resource, { maxLength: 4 }), (resources) => {
            resources.forEach((r) => assert.equal(hex(encodeAnalyzerResource(r)), hex(referenceStackEntry(r).serializeBinary())));
            const reference = new analyzer.AnalyzeStackRequest();
            reference.setResourcesList(resources.map(referenceStackEntry));
            assert.equal(hex(encodeAnalyzeStackRequest(resources.map(encodeAnalyzerResource))), hex(reference.serializeBinary()));
        }), { numRuns: 150 });
    });

    it("decode with the pack's own classes to what was encoded", () => {
        const r: AnalyzerResourceInput = {
            urn: "urn:pulumi:dev::polyarch::aws:lambda/function:Function::fn", type: "aws:lambda/function:Function", name: "fn",
            parent: "urn:pulumi:dev::polyarch::pulumi:pulumi:Stack::polyarch-dev", dependencies: ["urn:a"], propertyDependencies: { imageUri: ["urn:a"] },
            protect: false, properties: { architectures: ["arm64"], memorySize: 512, tracingConfig: { mode: "Active" }, layers: [], kmsKeyArn: null },
        };
        const decoded = analyzer.AnalyzerResource.deserializeBinary(encodeAnalyzerResource(r));
        assert.deepEqual(decoded.getProperties()?.toJavaScript(), r.properties);
        assert.equal(decoded.getParent(), r.parent);
        assert.deepEqual(decoded.getPropertydependenciesMap().get("imageUri")?.getUrnsList(), ["urn:a"]);
    });

    it("refuses a value google-protobuf refuses (undefined is not a protobuf Value)", () => {
        const r = { urn: "u", type: "t", name: "n", parent: "", dependencies: [], propertyDependencies: {}, protect: false, properties: { x: undefined } };
        assert.throws(() => referenceFields(new analyzer.AnalyzeRequest(), r).serializeBinary(), /Unexpected struct type/);
        assert.throws(() => encodeAnalyzeRequest(r), /Unexpected struct type/);
        // And what it left half-written is not part of the next request.
        const fine = { ...r, properties: { x: 1 } };
        assert.equal(hex(encodeAnalyzeRequest(fine)), hex(referenceFields(new analyzer.AnalyzeRequest(), fine).serializeBinary()));
    });
});
