"use strict";
const os = require("os");

const ITEMS = [
    { id: "graviton-mug", name: "Graviton mug", priceCents: 1200 },
    { id: "arm64-tee", name: "arm64 t-shirt", priceCents: 2500 },
];

/** Routes one request; returns { status, body } so it is testable without a socket. */
function route(method, url) {
    const { pathname, searchParams } = new URL(url, "http://localhost");
    if (method !== "GET") {
        return { status: 405, body: { error: "only GET is supported" } };
    }
    if (pathname === "/healthz") {
        return { status: 200, body: { status: "ok", arch: process.env.POLYARCH_ARCH || os.arch() } };
    }
    if (pathname === "/items") {
        const q = (searchParams.get("q") || "").toLowerCase();
        return { status: 200, body: ITEMS.filter((item) => item.name.toLowerCase().includes(q)) };
    }
    const match = /^\/items\/([a-z0-9-]+)$/.exec(pathname);
    if (match) {
        const item = ITEMS.find((candidate) => candidate.id === match[1]);
        return item ? { status: 200, body: item } : { status: 404, body: { error: `no item '${match[1]}'` } };
    }
    return { status: 404, body: { error: "not found" } };
}

module.exports = { route, ITEMS };
