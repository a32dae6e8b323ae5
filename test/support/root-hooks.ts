import { closePolicyPack } from "./policy-pack";

/** Mocha root hooks: stop the shared policy pack so no process outlives the test run. */
export const mochaHooks = {
    async afterAll(): Promise<void> {
        await closePolicyPack();
    },
};
