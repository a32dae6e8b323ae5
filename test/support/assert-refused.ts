import { strict as assert } from "assert";
import { registrations, settle } from "./mock-runtime";

/** Asserts construction throws naming `propertyPath`, and that nothing was registered. */
export async function assertRefused(construct: () => unknown, propertyPath: string, message: RegExp): Promise<void> {
    await settle();
    const before = registrations.length;
    assert.throws(construct, (err: any) => {
        assert.equal(err.propertyPath, propertyPath);
        assert.match(err.message, message);
        return true;
    });
    await settle();
    assert.deepEqual(registrations.slice(before).map((r) => `${r.type} ${r.name}`), [], "nothing may be registered after a refusal");
}
