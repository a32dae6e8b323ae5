/**
 * Resource transforms as the engine runs them: the resource's own transforms, then each ancestor's
 * (nearest first), then the stack's, each through the program's callback server with a
 * TransformRequest, each seeing the previous one's result.
 * Mirrors pulumi/pulumi pkg/resource/deploy/source_eval.go `(*resmon).RegisterResource` (the
 * "collect resource/parent/stack transforms" block) and `wrapTransformCallback`.
 */
import * as grpc from "@grpc/grpc-js";
import * as callbackRpc from "@pulumi/pulumi/proto/callback_grpc_pb";
import * as callbackPb from "@pulumi/pulumi/proto/callback_pb";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The options a transform may read and change, in the RegisterResourceRequest's terms. */
export interface TransformableOptions {
    dependsOn: string[];
    protect?: boolean;
    ignoreChanges: string[];
    retainOnDelete?: boolean;
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs: string[];
    provider: string;
    version: string;
}

export interface TransformTarget {
    type: string;
    name: string;
    custom: boolean;
    parent: string;
    properties: Record<string, unknown>;
    options: TransformableOptions;
}

/** Calls transform callbacks on the program's callback server, as the engine does over gRPC. */
export class TransformRunner {
    private readonly clients = new Map<string, callbackRpc.CallbacksClient>();

    async run(callbacks: callbackPb.Callback[], target: TransformTarget): Promise<TransformTarget> {
        let current = target;
        for (const callback of callbacks) {
            current = await this.runOne(callback, current);
        }
        return current;
    }

    close(): void {
        this.clients.forEach((client) => client.close());
        this.clients.clear();
    }

    private async runOne(callback: callbackPb.Callback, target: TransformTarget): Promise<TransformTarget> {
        const request = new resourcePb.TransformRequest();
        request.setType(target.type);
        request.setName(target.name);
        request.setCustom(target.custom);
        request.setParent(target.parent);
        request.setProperties(Struct.fromJavaScript(target.properties as Record<string, never>));
        request.setOptions(toProtoOptions(target.options));

        const invoke = new callbackPb.CallbackInvokeRequest();
        invoke.setToken(callback.getToken());
        invoke.setRequest(request.serializeBinary());
        const client = this.client(callback.getTarget());
        const reply = await new Promise<callbackPb.CallbackInvokeResponse>((resolve, reject) =>
            client.invoke(invoke, (err, response) => (err ? reject(new Error(`invoke transform: ${err.details || err.message}`)) : resolve(response))));
        const response = resourcePb.TransformResponse.deserializeBinary(reply.getResponse_asU8());
        const options = response.getOptions();
        return {
            ...target,
            properties: (response.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
            options: options === undefined ? target.options : fromProtoOptions(options, target.options),
        };
    }

    private client(address: string): callbackRpc.CallbacksClient {
        let client = this.clients.get(address);
        if (client === undefined) {
            client = new callbackRpc.CallbacksClient(address, grpc.credentials.createInsecure());
            this.clients.set(address, client);
        }
        return client;
    }
}

function toProtoOptions(options: TransformableOptions): resourcePb.TransformResourceOptions {
    const proto = new resourcePb.TransformResourceOptions();
    proto.setDependsOnList(options.dependsOn);
    if (options.protect !== undefined) {
        proto.setProtect(options.protect);
    }
    proto.setIgnoreChangesList(options.ignoreChanges);
    if (options.retainOnDelete !== undefined) {
        proto.setRetainOnDelete(options.retainOnDelete);
    }
    if (options.deleteBeforeReplace !== undefined) {
        proto.setDeleteBeforeReplace(options.deleteBeforeReplace);
    }
    proto.setAdditionalSecretOutputsList(options.additionalSecretOutputs);
    proto.setProvider(options.provider);
    proto.setVersion(options.version);
    return proto;
}

function fromProtoOptions(proto: resourcePb.TransformResourceOptions, previous: TransformableOptions): TransformableOptions {
    return {
        dependsOn: proto.getDependsOnList(),
        protect: proto.hasProtect() ? proto.getProtect() : previous.protect,
        ignoreChanges: proto.getIgnoreChangesList(),
        retainOnDelete: proto.hasRetainOnDelete() ? proto.getRetainOnDelete() : previous.retainOnDelete,
        deleteBeforeReplace: proto.hasDeleteBeforeReplace() ? proto.getDeleteBeforeReplace() : previous.deleteBeforeReplace,
        additionalSecretOutputs: proto.getAdditionalSecretOutputsList(),
        provider: proto.getProvider(),
        version: proto.getVersion() || previous.version,
    };
}
