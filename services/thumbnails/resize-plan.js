"use strict";
/**
 * Pure sizing logic, kept apart from sharp so it is testable without the native module.
 * Fits (width, height) inside a square of `max` pixels, keeping the aspect ratio, never upscaling.
 */
function planResize(width, height, max) {
    if (!(width > 0 && height > 0 && max > 0)) {
        throw new RangeError("width, height and max must be positive");
    }
    const scale = Math.min(1, max / Math.max(width, height));
    return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Reads and validates the invocation event: { image: base64, max?: number }. */
function parseEvent(event) {
    if (!event || typeof event.image !== "string" || event.image.length === 0) {
        return { error: "body must be { \"image\": \"<base64>\", \"max\"?: number }" };
    }
    const max = event.max === undefined ? 256 : Number(event.max);
    if (!Number.isInteger(max) || max < 16 || max > 2048) {
        return { error: "max must be a whole number from 16 to 2048" };
    }
    return { image: Buffer.from(event.image, "base64"), max };
}

module.exports = { planResize, parseEvent };
