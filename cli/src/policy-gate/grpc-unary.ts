import * as grpc from "@grpc/grpc-js";
import * as http2 from "http2";

/**
 * The session's memory budget (MB) for frames not yet handed on. Node's default (10 MB) is less
 * than a few large calls in flight (an AnalyzeStack of a big stack is one message of tens of MB,
 * beside concurrent Analyze calls); past it, Node 22 and later tear the session down with
 * NGHTTP2_ENHANCE_YOUR_CALM, which every call in flight sees as a dropped connection. grpc-js
 * lifts the same limit on its side (`grpc-node.max_session_memory`).
 */
const SESSION_MEMORY_MB = 1024;

/** A failed call, as @grpc/grpc-js reports one (`code`, and "14 UNAVAILABLE: …" as the message). */
export class GrpcCallError extends Error {
    constructor(readonly code: grpc.status, readonly details: string) {
        super(`${code} ${grpc.status[code]}: ${details}`);
    }
}

/**
 * Unary gRPC calls whose request is already protobuf bytes, straight over one HTTP/2 connection
 * (gRPC over HTTP/2: a POST to /<service>/<method>, a 5-byte length prefix before the message,
 * the status in the trailers). Every call to the pack goes through it: two per resource, 22,000
 * on a 10,000-resource stack, where @grpc/grpc-js spent more on its call machinery (interceptors,
 * retry and load-balancing layers, metadata) than on the bytes, on a thread the program competes for.
 * What the pack sees is the same: grpc-js is the server, and the messages are byte for byte those
 * the generated client sends.
 */
export class GrpcUnaryChannel {
    private session: http2.ClientHttp2Session | undefined;

    constructor(private readonly address: string) {}

    /** Sends `request` to `path` and resolves with the response message's bytes. */
    call(path: string, request: Uint8Array): Promise<Buffer> {
        return new Promise<Buffer>((resolve, reject) => {
            let stream: http2.ClientHttp2Stream;
            try {
                stream = this.connected().request({
                    ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers",
                });
            } catch (err) {
                reject(new GrpcCallError(grpc.status.UNAVAILABLE, (err as Error).message));
                return;
            }
            const chunks: Buffer[] = [];
            let status: number | undefined;
            let details = "";
            // A failed call may answer with headers only ("Trailers-Only"); otherwise the status is in the trailers.
            const readStatus = (headers: http2.IncomingHttpHeaders) => {
                const value = headers["grpc-status"];
                if (value !== undefined) {
                    status = Number(value);
                    details = decodeGrpcMessage(headers["grpc-message"]);
                }
            };
            stream.on("response", readStatus);
            stream.on("trailers", readStatus);
            stream.on("data", (chunk: Buffer) => chunks.push(chunk));
            // A reset stream or a dropped connection ends in 'close' without a status (handled there).
            stream.on("error", () => undefined);
            stream.on("close", () => {
                if (status === undefined) {
                    reject(new GrpcCallError(grpc.status.UNAVAILABLE, "Connection dropped"));
                } else if (status !== grpc.status.OK) {
                    reject(new GrpcCallError(status, details));
                } else {
                    try {
                        resolve(responseMessage(Buffer.concat(chunks)));
                    } catch (err) {
                        reject(new GrpcCallError(grpc.status.INTERNAL, (err as Error).message));
                    }
                }
            });
            const prefix = Buffer.alloc(5);
            prefix.writeUInt32BE(request.length, 1);
            stream.write(prefix);
            stream.end(request);
        });
    }

    close(): void {
        this.session?.close();
        this.session = undefined;
    }

    private connected(): http2.ClientHttp2Session {
        if (this.session === undefined || this.session.closed || this.session.destroyed) {
            this.session = http2.connect(`http://${this.address}`, { maxSessionMemory: SESSION_MEMORY_MB });
            // Each call reports its own failure; an unheard session error would end the process.
            this.session.on("error", () => undefined);
        }
        return this.session;
    }
}

/** The one length-prefixed, uncompressed message of a unary response. */
export function responseMessage(body: Buffer): Buffer {
    if (body.length < 5 || body[0] !== 0) {
        throw new Error(body.length < 5 ? "the response has no message" : "the response message is compressed");
    }
    const length = body.readUInt32BE(1);
    if (body.length !== 5 + length) {
        throw new Error(`the response message is ${body.length - 5} bytes, its prefix says ${length}`);
    }
    return body.subarray(5);
}

/** grpc-message is percent-encoded (gRPC over HTTP/2: "Percent-Encoded"). */
function decodeGrpcMessage(value: string | string[] | undefined): string {
    const text = Array.isArray(value) ? value.join(",") : value ?? "";
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}
