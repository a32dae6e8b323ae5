import { strict as assert } from "assert";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { planResize, parseEvent } = require("./resize-plan");

describe("services/thumbnails", () => {
    it("fits a landscape image inside the box, keeping the aspect ratio", () => {
        assert.deepEqual(planResize(4000, 3000, 256), { width: 256, height: 192 });
    });

    it("never upscales a small image", () => {
        assert.deepEqual(planResize(100, 50, 256), { width: 100, height: 50 });
    });

    it("rejects an event without an image, and an out-of-range max, with a message", () => {
        assert.match(parseEvent({}).error, /image/);
        assert.match(parseEvent({ image: "aGk=", max: 5 }).error, /16 to 2048/);
        assert.equal(parseEvent({ image: "aGk=" }).max, 256);
    });

    it("returns 400 from the handler on a bad event, without loading sharp", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { handler } = require("./handler");
        const response = await handler({ max: 3 });
        assert.equal(response.statusCode, 400);
        assert.match(JSON.parse(response.body).error, /image/);
    });
});
