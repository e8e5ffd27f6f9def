/**
 * The diagnostics_channel TracingChannel `corelens:core:request`, with no
 * OpenTelemetry SDK registered at all (what a non-OTel APM sees).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channel, tracingChannel } from "node:diagnostics_channel";
import { startRecordingServer, type RecordingServer } from "./servers.js";
import { driveAttempt } from "./drive.js";
import { querierTelemetry, type CoreRequestMessage } from "../../src/telemetry/index.js";
import { NOOP_TELEMETRY } from "../../src/telemetry/seam.js";

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer((req) => ({ status: req.url?.startsWith("/bad") ? 400 : 200 }));
});
afterAll(() => server.close());

describe("diagnostics_channel corelens:core:request", () => {
  it("publishes start, end and error with the request after interception and the response status", async () => {
    const events: { event: string; message: CoreRequestMessage; snapshot: string }[] = [];
    const record = (event: string) => (message: CoreRequestMessage) =>
      events.push({ event, message, snapshot: JSON.stringify({ ...message, error: undefined }) });
    const tc = tracingChannel<CoreRequestMessage, CoreRequestMessage>("corelens:core:request");
    const handlers = { start: record("start"), end: record("end"), asyncStart: record("asyncStart"), asyncEnd: record("asyncEnd"), error: record("error") };
    tc.subscribe(handlers);
    try {
      await driveAttempt({
        origin: server.origin,
        template: "/<tenantId>/recipe/signup",
        path: "/public/recipe/signup",
        tenantId: "public",
        params: { token: "secret-token-1" },
        interceptor: (req) => ({ ...req, method: "put", headers: { ...req.headers, "x-tenant": "acme" } }),
      });
      await driveAttempt({ origin: server.origin, template: "/bad", path: "/bad", method: "get" });
      const dead = await startRecordingServer();
      await dead.close();
      await driveAttempt({ origin: dead.origin, template: "/gone", path: "/gone", method: "get" });
    } finally {
      tc.unsubscribe(handlers);
    }
    expect(events.map((e) => `${e.event} ${e.message.template}`)).toEqual([
      "start /<tenantId>/recipe/signup",
      "end /<tenantId>/recipe/signup",
      "start /bad",
      "end /bad",
      "start /gone",
      "error /gone",
      "end /gone",
    ]);
    const start = JSON.parse(events[0]!.snapshot) as CoreRequestMessage;
    expect(start.request.method).toBe("PUT");
    expect(start.request.url).toBe(`${server.origin}/public/recipe/signup?token=REDACTED`);
    expect(start.request.headers["x-tenant"]).toBe("acme");
    expect(start.request.headers["api-key"]).toBe("REDACTED");
    expect(start.tenantId).toBe("public");
    expect(start.statusCode).toBeUndefined();
    // The same object travels through every event of an attempt, so subscribers can key on it.
    expect(events[1]!.message).toBe(events[0]!.message);
    expect(events[1]!.message.statusCode).toBe(200);
    expect(events[3]!.message.statusCode).toBe(400);
    expect(events[5]!.message.errorType).toBe("ECONNREFUSED");
    expect((events[5]!.message.error as { code?: string }).code).toBe("ECONNREFUSED");
  });

  it("costs nothing without a subscriber: the attempt gets the no-op scope until one subscribes", () => {
    const start = { template: "/x", method: "GET", hostOrigin: server.origin, resendCount: 0, hasInterceptor: false };
    const noop = NOOP_TELEMETRY.startAttempt(start);
    expect(querierTelemetry().startAttempt(start)).toBe(noop);
    const onEnd = () => {};
    const end = channel("tracing:corelens:core:request:end");
    end.subscribe(onEnd);
    try {
      expect(querierTelemetry().startAttempt(start)).not.toBe(noop);
    } finally {
      end.unsubscribe(onEnd);
    }
    expect(querierTelemetry().startAttempt(start)).toBe(noop);
  });
});
