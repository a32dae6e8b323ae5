import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { dockerfileFacts } from "../../cli/src/cost/dockerfile-cross-build";
import { REPO } from "../support/plan-cli";

describe("what a Dockerfile says about the platforms it builds (the cost alternatives' image check)", () => {
    it("every sample service's Dockerfile cross-builds: its RUN steps are on $BUILDPLATFORM, nothing pinned", () => {
        for (const service of fs.readdirSync(path.join(REPO, "services"))) {
            const file = path.join(REPO, "services", service, "Dockerfile");
            if (fs.existsSync(file)) {
                assert.deepEqual(dockerfileFacts(fs.readFileSync(file, "utf8")), {}, service);
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
        assert.deepEqual(dockerfileFacts(text), { runOnTarget: { line: 6, stage: "runtime" } });
    });

    it("follows stages built FROM earlier ones, case-insensitively, and ${BUILDPLATFORM} with braces or quotes", () => {
        const onBuild = "FROM --platform=${BUILDPLATFORM} node:24 AS Deps\nRUN npm ci\nfrom deps as test\nrun npm test\nFROM --platform=\"$BUILDPLATFORM\" node:24 AS q\nRUN true\nFROM node:24-slim\nCOPY --from=deps /x /x\n";
        assert.deepEqual(dockerfileFacts(onBuild), {});
        const onTarget = "FROM node:24 AS base\nFROM base AS build\nRUN npm ci\n";
        assert.deepEqual(dockerfileFacts(onTarget), { runOnTarget: { line: 3, stage: "build" } });
    });

    it("reports a final stage pinned to one platform, directly or through the stage it is built from", () => {
        assert.deepEqual(dockerfileFacts("FROM --platform=linux/amd64 node:24\nCOPY . .\n"), { pinnedPlatform: { platform: "linux/amd64", line: 1 } });
        assert.deepEqual(dockerfileFacts("FROM --platform=linux/amd64 node:24 AS base\nFROM base\nCOPY . .\n"),
            { pinnedPlatform: { platform: "linux/amd64", line: 1 } });
        assert.deepEqual(dockerfileFacts("FROM --platform=linux/amd64 node:24 AS tools\nFROM --platform=$TARGETPLATFORM node:24\nCOPY --from=tools /x /x\n"), {});
    });

    it("skips heredoc bodies and comment lines inside continuations, and honours the escape directive", () => {
        const heredoc = "FROM --platform=$BUILDPLATFORM alpine AS build\nRUN <<EOF\nfrom scratch\nrun make\nEOF\nFROM scratch\nCOPY --from=build /x /x\n";
        assert.deepEqual(dockerfileFacts(heredoc), {});
        const continued = "FROM --platform=$BUILDPLATFORM \\\n# a comment\n  node:24 AS build\nRUN npm ci\nFROM node:24-slim\n";
        assert.deepEqual(dockerfileFacts(continued), {});
        const windows = "# escape=`\nFROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk AS build\nRUN dotnet publish `\n  -o /out\nFROM mcr.microsoft.com/dotnet/runtime\n";
        assert.deepEqual(dockerfileFacts(windows), {});
    });
});
