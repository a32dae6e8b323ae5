import { strict as assert } from "assert";
import { AddressInfo } from "net";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { route } = require("./app");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createServer } = require("./server");

describe("services/catalog-api", () => {
    it("answers /healthz with ok and the architecture it runs on", () => {
        const { status, body } = route("GET", "/healthz");
        assert.equal(status, 200);
        assert.equal(body.status, "ok");
        assert.ok(typeof body.arch === "string" && body.arch.length > 0);
    });

    it("filters items by query and finds one by id", () => {
        assert.deepEqual(route("GET", "/items?q=mug").body.map((i: any) => i.id), ["graviton-mug"]);
        assert.equal(route("GET", "/items/arm64-tee").body.priceCents, 2500);
        assert.equal(route("GET", "/items/nope").status, 404);
        assert.equal(route("POST", "/items").status, 405);
    });

    it("serves HTTP on a real socket", async () => {
        const server = createServer().listen(0, "127.0.0.1");
        await new Promise((done) => server.once("listening", done));
        try {
            const { port } = server.address() as AddressInfo;
            const res = await fetch(`http://127.0.0.1:${port}/healthz`);
            assert.equal(res.status, 200);
            assert.equal(((await res.json()) as { status: string }).status, "ok");
        } finally {
            server.close();
        }
    });
});
