import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handle, renderPage } = require("./server");

describe("services/storefront", () => {
    it("escapes the visitor's name", () => {
        assert.match(renderPage("<script>"), /Welcome, &lt;script&gt;/);
        assert.ok(!renderPage("<script>").includes("<script>"));
    });

    it("serves the page, /healthz and 404 over HTTP", async () => {
        const server = http.createServer(handle).listen(0, "127.0.0.1");
        await new Promise((done) => server.once("listening", done));
        try {
            const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
            assert.equal(await (await fetch(`${base}/healthz`)).text(), "ok");
            assert.match(await (await fetch(`${base}/?name=Ada`)).text(), /Welcome, Ada/);
            assert.equal((await fetch(`${base}/missing`)).status, 404);
        } finally {
            server.close();
        }
    });
});
