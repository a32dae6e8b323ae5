import * as grpc from "@grpc/grpc-js";
import { strict as assert } from "assert";
import { GrpcCallError, GrpcUnaryChannel, responseMessage } from "../../cli/src/policy-gate/grpc-unary";

/** A real @grpc/grpc-js server (what run-policy-pack serves with) and the channel the gate calls it through. */
describe("unary gRPC calls over HTTP/2 (the gate's per-resource calls)", () => {
    let server: grpc.Server;
    let channel: GrpcUnaryChannel;
    const identity = (bytes: Buffer) => bytes;

    before(async () => {
        server = new grpc.Server({ "grpc.max_receive_message_length": 64 * 1024 * 1024 });
        const reverse: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => callback(null, Buffer.from(call.request).reverse());
        const fail: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) =>
            callback({ code: grpc.status.INVALID_ARGUMENT, details: `bad: ${call.request.toString()} 100% ünïcode\nline` });
        server.register("/test.Echo/Reverse", reverse, identity, identity, "unary");
        server.register("/test.Echo/Fail", fail, identity, identity, "unary");
        server.register<Buffer, Buffer>("/test.Echo/Throw", () => { throw new Error("handler threw"); }, identity, identity, "unary");
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
        channel = new GrpcUnaryChannel(`127.0.0.1:${port}`);
    });
    after(() => {
        channel.close();
        server.forceShutdown();
    });

    it("sends the request's bytes and returns the response's, small, empty and large (over HTTP/2 flow control)", async () => {
        const large = Buffer.alloc(20 * 1024 * 1024 + 7, 0).map((_, i) => i % 251);
        for (const request of [Buffer.from([1, 2, 3]), Buffer.alloc(0), large]) {
            const answers = await Promise.all([1, 2, 3].map(() => channel.call("/test.Echo/Reverse", request)));
            for (const answer of answers) {
                assert.ok(answer.equals(Buffer.from(request).reverse()), `${request.length} bytes`);
            }
        }
    });

    it("fails as @grpc/grpc-js does: the status code, and its name and the server's (percent-decoded) details as the message", async () => {
        await assert.rejects(channel.call("/test.Echo/Fail", Buffer.from("input")), (err: GrpcCallError) => {
            assert.ok(err instanceof GrpcCallError);
            assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
            assert.equal(err.message, "3 INVALID_ARGUMENT: bad: input 100% ünïcode\nline");
            return true;
        });
        await assert.rejects(channel.call("/test.Echo/Nope", Buffer.alloc(0)), { code: grpc.status.UNIMPLEMENTED });
        await assert.rejects(channel.call("/test.Echo/Throw", Buffer.alloc(0)), { code: grpc.status.UNKNOWN });
    });

    it("reports UNAVAILABLE when the server goes away, and for any call after it", async () => {
        const doomed = new grpc.Server();
        doomed.register<Buffer, Buffer>("/test.Echo/Hang", () => undefined, identity, identity, "unary");
        const port = await new Promise<number>((resolve, reject) =>
            doomed.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
        const lonely = new GrpcUnaryChannel(`127.0.0.1:${port}`);
        const hanging = lonely.call("/test.Echo/Hang", Buffer.from("x"));
        await new Promise((resolve) => setTimeout(resolve, 100));
        doomed.forceShutdown();
        await assert.rejects(hanging, { code: grpc.status.UNAVAILABLE, message: "14 UNAVAILABLE: Connection dropped" });
        await assert.rejects(lonely.call("/test.Echo/Hang", Buffer.from("x")), { code: grpc.status.UNAVAILABLE });
        lonely.close();
    });

    it("refuses a response body that is not one whole uncompressed message", () => {
        const framed = (flag: number, declared: number, body: number[]) => Buffer.from([flag, 0, 0, 0, declared, ...body]);
        assert.deepEqual([...responseMessage(framed(0, 2, [7, 8]))], [7, 8]);
        assert.throws(() => responseMessage(framed(0, 3, [7, 8])), /the response message is 2 bytes, its prefix says 3/);
        assert.throws(() => responseMessage(framed(0, 1, [7, 8])), /the response message is 2 bytes, its prefix says 1/);
        assert.throws(() => responseMessage(framed(1, 2, [7, 8])), /compressed/);
        assert.throws(() => responseMessage(Buffer.alloc(0)), /no message/);
    });
});
