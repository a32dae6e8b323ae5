"use strict";
const http = require("http");
const os = require("os");

const port = Number(process.env.PORT || 8080);
const arch = process.env.POLYARCH_ARCH || os.arch();

function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** Renders the storefront page; the greeting comes from the query string, so it is escaped. */
function renderPage(name) {
    return `<!doctype html><html><head><title>polyarch storefront</title></head>` +
        `<body><h1>Welcome${name ? `, ${escapeHtml(name)}` : ""}</h1><p>Served from ${escapeHtml(arch)}.</p></body></html>`;
}

function handle(req, res) {
    const { pathname, searchParams } = new URL(req.url, "http://localhost");
    if (pathname === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("ok");
    }
    if (pathname === "/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(renderPage(searchParams.get("name")));
    }
    res.writeHead(404, { "content-type": "text/plain" });
    return res.end("not found");
}

if (require.main === module) {
    const server = http.createServer(handle).listen(port, () => console.log(`storefront on :${port} (${arch})`));
    process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

module.exports = { handle, renderPage, escapeHtml };
