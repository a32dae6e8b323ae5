"use strict";
// HEALTHCHECK without curl in the image: Node's own fetch against /healthz.
fetch(`http://127.0.0.1:${process.env.PORT || 8080}/healthz`)
    .then((res) => process.exit(res.ok ? 0 : 1))
    .catch(() => process.exit(1));
