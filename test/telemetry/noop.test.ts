/**
 * With no OpenTelemetry SDK and no channel subscriber, every attempt gets the
 * shared no-op scope; an SDK registered after import is picked up.
 */
import { afterAll, describe, expect, it } from "vitest";
import { SpanKind, trace } from "@opentelemetry/api";
import { querierTelemetry, type AttemptStart } from "../../src/telemetry/index.js";
import { NOOP_TELEMETRY } from "../../src/telemetry/seam.js";
import { registerOtel, type OtelHarness } from "./otel.js";
import { startRecordingServer } from "./servers.js";
import { driveAttempt } from "./drive.js";

const start: AttemptStart = { template: "/x", method: "GET", hostOrigin: "http://127.0.0.1:1", resendCount: 0, hasInterceptor: true };
let otel: OtelHarness | undefined;
afterAll(async () => otel?.shutdown());

describe("no SDK registered", () => {
  it("hands out the shared no-op scope", () => {
    const noop = NOOP_TELEMETRY.startAttempt(start);
    expect(querierTelemetry().startAttempt(start)).toBe(noop);
    expect(querierTelemetry().startAttempt({ ...start, resendCount: 1 })).toBe(noop);
  });

  it("a tracer provider registered later is used from the next attempt on", async () => {
    const server = await startRecordingServer();
    try {
      await driveAttempt({ origin: server.origin, template: "/x", path: "/x" });
      expect(server.headerValues(server.requests[0]!, "traceparent")).toEqual([]);
      otel = registerOtel();
      expect(querierTelemetry().startAttempt(start)).not.toBe(NOOP_TELEMETRY.startAttempt(start));
      await driveAttempt({ origin: server.origin, template: "/x", path: "/x" });
      const spans = otel.spans().filter((s) => s.kind === SpanKind.CLIENT);
      expect(spans.map((s) => s.name)).toContain("POST /x");
      expect(server.headerValues(server.requests[1]!, "traceparent")).toHaveLength(1);
      expect(trace.getTracerProvider()).toBeDefined();
    } finally {
      await server.close();
    }
  });
});
