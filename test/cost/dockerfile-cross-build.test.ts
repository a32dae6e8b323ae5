import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { dockerfileCrossBuilds } from "../../tools/cost/dockerfile-cross-build";
import { REPO } from "../support/plan-cli";

describe("whether a Dockerfile cross-builds (no RUN on the target platform)", () => {
    it("every sample service's Dockerfile does: its RUN steps are on $BUILDPLATFORM", () => {
        for (const service of fs.readdirSync(path.join(REPO, "services"))) {
            const file = path.join(REPO, "services", service, "Dockerfile");
            if (fs.existsSync(file)) {
                assert.deepEqual(dockerfileCrossBuilds(fs.readFileSync(file, "utf8")), { crossBuilds: true }, service);
            }
        }
    });

    it("finds a RUN in a stage of the target platform, with its line and stage", () => {
        const text = [
            "# syntax=docker/dockerfile:1",
            "FROM --platform=$BUILDPLATFORM golang:1.23 AS build",
            "RUN go build -o /app .",
            "FROM debian:bookworm-slim AS runtime",
            "COPY --from=build /app /app",
            "RUN apt-get update \\",
            "  && apt-get install -y ca-certificates",
        ].join("\n");
        assert.deepEqual(dockerfileCrossBuilds(text), { crossBuilds: false, line: 6, stage: "runtime" });
    });

    it("follows a stage built FROM an earlier stage, and ${BUILDPLATFORM} spelled with braces", () => {
        const onBuild = "FROM --platform=${BUILDPLATFORM} node:24 AS deps\nRUN npm ci\nFROM deps AS test\nRUN npm test\nFROM node:24-slim\nCOPY --from=deps /x /x\n";
        assert.deepEqual(dockerfileCrossBuilds(onBuild), { crossBuilds: true });
        const onTarget = "FROM node:24 AS base\nFROM base AS build\nRUN npm ci\n";
        assert.deepEqual(dockerfileCrossBuilds(onTarget), { crossBuilds: false, line: 3, stage: "build" });
        assert.deepEqual(dockerfileCrossBuilds("FROM --platform=linux/amd64 node:24\nRUN true\n"), { crossBuilds: false, line: 2, stage: "0" });
    });
});
