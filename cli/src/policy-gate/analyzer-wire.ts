/**
 * The analyzer requests the gate sends most (Remediate and Analyze per resource, AnalyzeStack's
 * resources), encoded straight from plain values into protobuf bytes: the same bytes
 * google-protobuf's generated classes produce (pulumi/pulumi proto/pulumi/analyzer.proto; map
 * entries in sorted key order, as jspb writes them; test/tools/analyzer-wire.test.ts compares the
 * two), without building a message object per value first. On an 11,000-resource stack building
 * those objects was a third of the gate's own CPU time and most of its garbage.
 */
import type { RecordedOptions } from "../recording-monitor";

/** The provider resource of an analyzed resource (AnalyzerProviderResource). */
export interface AnalyzerProvider {
    urn: string;
    type: string;
    name: string;
    properties: Record<string, unknown>;
}

/** A resource for `remediate`/`analyze`/`analyzeStack`, in the engine's terms. */
export interface AnalyzerResourceInput {
    urn: string;
    type: string;
    name: string;
    /** Wire-form inputs (outputs for analyzeStack): secrets wrapped, unknowns as the engine's sentinel. */
    properties: Record<string, unknown>;
    parent: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    options?: RecordedOptions;
    provider?: AnalyzerProvider;
}


const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

/** A growable buffer that writes protobuf fields; nested messages are length-prefixed in place. */
class ProtoWriter {
    private buffer = Buffer.allocUnsafe(64 * 1024);
    private position = 0;

    /** Starts a message: whatever a failed encoding (a value protobuf cannot hold) left behind is dropped. */
    begin(): this {
        this.position = 0;
        return this;
    }

    /** A copy of what was written (exactly its size), and the writer emptied for the next message. */
    take(): Buffer {
        const bytes = Buffer.allocUnsafeSlow(this.position);
        this.buffer.copy(bytes, 0, 0, this.position);
        this.position = 0;
        return bytes;
    }

    tag(field: number, wireType: number): void {
        this.varint(field * 8 + wireType);
    }

    varint(value: number): void {
        this.reserve(10);
        while (value >= 0x80) {
            this.buffer[this.position++] = (value % 0x80) | 0x80;
            value = Math.floor(value / 0x80);
        }
        this.buffer[this.position++] = value;
    }

    /** A string field, written even when empty (callers skip proto3 defaults themselves). */
    string(field: number, value: string): void {
        const length = Buffer.byteLength(value);
        this.tag(field, LENGTH_DELIMITED);
        this.varint(length);
        this.reserve(length);
        this.position += this.buffer.write(value, this.position, length, "utf8");
    }

    bool(field: number, value: boolean): void {
        this.tag(field, VARINT);
        this.varint(value ? 1 : 0);
    }

    double(field: number, value: number): void {
        this.tag(field, FIXED64);
        this.reserve(8);
        this.position = this.buffer.writeDoubleLE(value, this.position);
    }

    raw(bytes: Uint8Array): void {
        this.reserve(bytes.length);
        this.buffer.set(bytes, this.position);
        this.position += bytes.length;
    }

    /** Writes `field` as a message whose content `write` produces. */
    message(field: number, write: () => void): void {
        this.tag(field, LENGTH_DELIMITED);
        this.reserve(1);
        const start = this.position++;
        write();
        const length = this.position - start - 1;
        if (length < 0x80) {
            this.buffer[start] = length;
            return;
        }
        // A length of two or more bytes: move the content up to make room (rare: most values are short).
        const prefix = varintSize(length);
        this.reserve(prefix - 1);
        this.buffer.copyWithin(start + prefix, start + 1, this.position);
        this.position += prefix - 1;
        let value = length;
        let at = start;
        while (value >= 0x80) {
            this.buffer[at++] = (value % 0x80) | 0x80;
            value = Math.floor(value / 0x80);
        }
        this.buffer[at] = value;
    }

    private reserve(bytes: number): void {
        if (this.position + bytes > this.buffer.length) {
            const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
            this.buffer.copy(grown, 0, 0, this.position);
            this.buffer = grown;
        }
    }
}

function varintSize(value: number): number {
    let size = 1;
    while (value >= 0x80) {
        value = Math.floor(value / 0x80);
        size++;
    }
    return size;
}

/** google.protobuf.Struct: `map<string, Value> fields = 1`. */
function writeStruct(w: ProtoWriter, object: Record<string, unknown>): void {
    for (const key of Object.keys(object).sort()) {
        w.message(1, () => {
            w.string(1, key);
            w.message(2, () => writeValue(w, object[key]));
        });
    }
}

/** google.protobuf.Value, as Value.fromJavaScript chooses its kind. */
function writeValue(w: ProtoWriter, value: unknown): void {
    if (value === null) {
        w.tag(1, VARINT); // null_value: NULL_VALUE (0)
        w.varint(0);
    } else if (typeof value === "number") {
        w.double(2, value);
    } else if (typeof value === "string") {
        w.string(3, value);
    } else if (typeof value === "boolean") {
        w.bool(4, value);
    } else if (Array.isArray(value)) {
        w.message(6, () => {
            for (const item of value) {
                w.message(1, () => writeValue(w, item));
            }
        });
    } else if (typeof value === "object") {
        w.message(5, () => writeStruct(w, value as Record<string, unknown>));
    } else {
        // What google-protobuf throws for undefined, functions and the like.
        throw new Error("Unexpected struct type.");
    }
}

/** Fields 1-4, numbered alike in AnalyzeRequest, AnalyzerResource and AnalyzerProviderResource. */
function writeIdentity(w: ProtoWriter, resource: AnalyzerProvider): void {
    if (resource.type !== "") {
        w.string(1, resource.type);
    }
    w.message(2, () => writeStruct(w, resource.properties));
    if (resource.urn !== "") {
        w.string(3, resource.urn);
    }
    if (resource.name !== "") {
        w.string(4, resource.name);
    }
}

/** The fields AnalyzeRequest and AnalyzerResource share (1-6). */
function writeResourceFields(w: ProtoWriter, resource: AnalyzerResourceInput): void {
    writeIdentity(w, resource);
    w.message(5, () => writeOptions(w, resource));
    if (resource.provider !== undefined) {
        w.tag(6, LENGTH_DELIMITED);
        const provider = providerBytes(resource.provider);
        w.varint(provider.length);
        w.raw(provider);
    }
}

/** AnalyzerResourceOptions, as analyzer_plugin.go marshalResourceOptions fills it. */
function writeOptions(w: ProtoWriter, resource: AnalyzerResourceInput): void {
    const strings = (field: number, values: string[]) => values.forEach((value) => w.string(field, value));
    if (resource.protect) {
        w.bool(1, true);
    }
    const options = resource.options;
    if (options !== undefined) {
        strings(2, options.ignoreChanges);
        if (options.deleteBeforeReplace === true) {
            w.bool(3, true);
        }
        if (options.deleteBeforeReplace !== undefined) {
            w.bool(4, true);
        }
        strings(5, options.additionalSecretOutputs);
        const { create, update, delete: remove } = options.customTimeouts;
        w.message(7, () => {
            [create, update, remove].forEach((seconds, i) => {
                if (seconds !== 0) {
                    w.double(i + 1, seconds);
                }
            });
        });
    }
    if (resource.parent !== "") {
        w.string(8, resource.parent);
    }
}

/** Encoding is synchronous, so one writer (and its grown buffer) serves every message. */
const shared = new ProtoWriter();

/** A provider is encoded once, however many resources it serves (the gate passes the same object). */
const encodedProviders = new WeakMap<AnalyzerProvider, Buffer>();

function providerBytes(provider: AnalyzerProvider): Buffer {
    let bytes = encodedProviders.get(provider);
    if (bytes === undefined) {
        // Its own writer: the shared one is in the middle of the resource.
        const w = new ProtoWriter();
        writeIdentity(w, provider);
        bytes = w.take();
        encodedProviders.set(provider, bytes);
    }
    return bytes;
}

/** pulumirpc.AnalyzeRequest: what Analyze and Remediate receive. */
export function encodeAnalyzeRequest(resource: AnalyzerResourceInput): Buffer {
    const w = shared.begin();
    writeResourceFields(w, resource);
    return w.take();
}

/** pulumirpc.AnalyzerResource: one resource of an AnalyzeStackRequest. */
export function encodeAnalyzerResource(resource: AnalyzerResourceInput): Buffer {
    const w = shared.begin();
    writeResourceFields(w, resource);
    if (resource.parent !== "") {
        w.string(7, resource.parent);
    }
    resource.dependencies.forEach((urn) => w.string(8, urn));
    for (const key of Object.keys(resource.propertyDependencies).sort()) {
        w.message(9, () => {
            w.string(1, key);
            w.message(2, () => resource.propertyDependencies[key].forEach((urn) => w.string(1, urn)));
        });
    }
    return w.take();
}

/** pulumirpc.AnalyzeStackRequest from encoded AnalyzerResources (`repeated AnalyzerResource resources = 1`). */
export function encodeAnalyzeStackRequest(resources: Uint8Array[]): Buffer {
    const size = resources.reduce((total, r) => total + 1 + varintSize(r.length) + r.length, 0);
    const bytes = Buffer.allocUnsafeSlow(size);
    let at = 0;
    for (const resource of resources) {
        bytes[at++] = (1 << 3) | LENGTH_DELIMITED;
        for (let value = resource.length; ; value = Math.floor(value / 0x80)) {
            bytes[at++] = value >= 0x80 ? (value % 0x80) | 0x80 : value;
            if (value < 0x80) {
                break;
            }
        }
        bytes.set(resource, at);
        at += resource.length;
    }
    return bytes;
}
