"use strict";
const http = require("http");
const { route } = require("./app");

const port = Number(process.env.PORT || 8080);

function createServer() {
    return http.createServer((req, res) => {
        const { status, body } = route(req.method, req.url);
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
    });
}

if (require.main === module) {
    const server = createServer().listen(port, () => console.log(`catalog-api on :${port}`));
    // Kubernetes sends SIGTERM before removing a pod; finish in-flight requests first.
    process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

module.exports = { createServer };
