import * as pulumi from "@pulumi/pulumi";
import { mockCallResult, mockResourceOutputs } from "../../tools/mock-outputs";

/** One resource registration as it reached the (mocked) engine. */
export interface Registration {
    type: string;
    name: string;
    custom: boolean;
    /** Inputs with secrets unwrapped, as the provider would receive them. */
    inputs: Record<string, any>;
    /** Inputs as serialized, secrets still wrapped in Pulumi's secret signature. */
    rawInputs: Record<string, any>;
}

/** Pulumi's wire signature for a secret value. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value !== null && typeof value === "object") {
        if (value[SIG_KEY] === SECRET_SIG) {
            return unwrapSecrets(value.value);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/** Every registration since the last reset, in order. */
export const registrations: Registration[] = [];

// Mocks are process-global in @pulumi/pulumi, so every test file shares this one installation.
pulumi.runtime.setMocks({
    newResource(args) {
        registrations.push({
            type: args.type, name: args.name, custom: args.custom ?? true, inputs: unwrapSecrets(args.inputs), rawInputs: args.inputs,
        });
        const result = mockResourceOutputs(args.type, args.name, args.inputs);
        return { id: result.id, state: result.state };
    },
    call(args) {
        return mockCallResult(args.token, args.inputs);
    },
}, "polyarch", "dev", false);

export async function reset(): Promise<void> {
    await settle();
    registrations.length = 0;
}

/** Waits until no registration has arrived for several turns of the event loop. */
export async function settle(): Promise<void> {
    let quiet = 0;
    let seen = -1;
    while (quiet < 8) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (registrations.length === seen) {
            quiet++;
        } else {
            quiet = 0;
            seen = registrations.length;
        }
    }
}

/** The inputs of the one registration of `type` whose name is `name`. */
export async function inputsOf(type: string, name: string): Promise<Record<string, any>> {
    await settle();
    const found = registrations.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        const seen = registrations.map((r) => `${r.type} ${r.name}`).join("\n  ");
        throw new Error(`expected one ${type} named ${name}, found ${found.length}; registered:\n  ${seen}`);
    }
    return found[0].inputs;
}

export async function ofType(type: string): Promise<Registration[]> {
    await settle();
    return registrations.filter((r) => r.type === type);
}

/** Resolves an output in tests (mocks resolve every output). */
export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((done) => output.apply((value) => { done(value); return value; }));
}
