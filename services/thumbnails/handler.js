"use strict";
const { parseEvent, planResize } = require("./resize-plan");

// Loaded lazily: sharp's native binary must match the Lambda's CPU (linux/arm64 here). A wrong
// binary fails at this require, the Node flavour of "exec format error".
let sharp;

exports.handler = async (event) => {
    const parsed = parseEvent(event);
    if (parsed.error) {
        return { statusCode: 400, body: JSON.stringify({ error: parsed.error }) };
    }
    sharp = sharp || require("sharp");
    const meta = await sharp(parsed.image).metadata();
    const size = planResize(meta.width, meta.height, parsed.max);
    const thumbnail = await sharp(parsed.image).resize(size.width, size.height).webp().toBuffer();
    return {
        statusCode: 200,
        headers: { "content-type": "image/webp", "x-polyarch-arch": process.env.POLYARCH_ARCH || process.arch },
        isBase64Encoded: true,
        body: thumbnail.toString("base64"),
    };
};
