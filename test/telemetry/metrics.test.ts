/** The metric points of core calls, read with a real MeterProvider and a pull reader. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerOtel, histogramPoints, pointWith, type OtelHarness } from "./otel.js";
import { startRecordingServer, type RecordingServer } from "./servers.js";
import { driveAttempt } from "./drive.js";
import { querierTelemetry } from "../../src/telemetry/index.js";
import type { DataPoint } from "@opentelemetry/sdk-metrics";

let otel: OtelHarness;
let server: RecordingServer;

beforeAll(async () => {
  otel = registerOtel();
  server = await startRecordingServer((req) => ({ status: req.url?.startsWith("/limited") ? 429 : 200 }));
});
afterAll(async () => {
  await server.close();
  await otel.shutdown();
});

describe("metrics", () => {
  it("http.client.request.duration, corelens.interceptor.duration, corelens.core.retries, http.client.active_requests", async () => {
    const start = { template: "/limited", method: "GET", hostOrigin: server.origin, resendCount: 0, hasInterceptor: false };
    await driveAttempt({ origin: server.origin, template: "/<tenantId>/recipe/signup", path: "/public/recipe/signup", interceptor: (r) => r });
    await driveAttempt({ origin: server.origin, template: "/<tenantId>/recipe/signup", path: "/public/recipe/signup", interceptor: (r) => r });
    await driveAttempt({ origin: server.origin, template: "/limited", path: "/limited", method: "get" });
    querierTelemetry().recordRetry("rate_limited", start);
    await driveAttempt({ origin: server.origin, template: "/limited", path: "/limited", method: "get", resendCount: 1 });
    const dead = await startRecordingServer();
    await dead.close();
    querierTelemetry().recordRetry("connection_error", { ...start, hostOrigin: dead.origin });
    await driveAttempt({ origin: dead.origin, template: "/limited", path: "/limited", method: "get" });

    const duration = await otel.metric("http.client.request.duration");
    expect(duration?.descriptor.unit).toBe("s");
    const points = histogramPoints(duration);
    const ok = pointWith(points, { "url.template": "/<tenantId>/recipe/signup" })!;
    expect(ok.attributes).toEqual({
      "http.request.method": "POST",
      "server.address": "127.0.0.1",
      "server.port": server.port,
      "url.template": "/<tenantId>/recipe/signup",
      "http.response.status_code": 200,
    });
    expect(ok.value.count).toBe(2);
    expect(ok.value.buckets.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
    const limited = pointWith(points, { "http.response.status_code": 429 })!;
    expect(limited.attributes["error.type"]).toBe("429");
    expect(limited.value.count).toBe(2);
    const refused = pointWith(points, { "error.type": "ECONNREFUSED" })!;
    expect(refused.attributes["http.response.status_code"]).toBeUndefined();
    expect(refused.value.count).toBe(1);

    const interceptor = histogramPoints(await otel.metric("corelens.interceptor.duration"));
    expect(interceptor).toHaveLength(1);
    expect(interceptor[0]!.attributes).toEqual({ "url.template": "/<tenantId>/recipe/signup", "http.request.method": "POST" });
    expect(interceptor[0]!.value.count).toBe(2);

    const retries = (await otel.metric("corelens.core.retries"))!.dataPoints as DataPoint<number>[];
    expect(pointWith(retries, { "corelens.retry.reason": "rate_limited" })?.value).toBe(1);
    expect(pointWith(retries, { "corelens.retry.reason": "connection_error" })?.value).toBe(1);
    expect(retries[0]!.attributes["url.template"]).toBe("/limited");

    const active = (await otel.metric("http.client.active_requests"))!.dataPoints as DataPoint<number>[];
    const activeSignup = pointWith(active, { "url.template": "/<tenantId>/recipe/signup" })!;
    expect(activeSignup.attributes["server.address"]).toBe("127.0.0.1");
    // Every request ended, so nothing is in flight.
    expect(active.every((p) => p.value === 0)).toBe(true);
  });

  it("http.client.active_requests counts a request while it is in flight", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { createServer } = await import("node:http");
    const slow = createServer((_req, res) => void gate.then(() => res.end("{}")));
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const port = (slow.address() as { port: number }).port;
    try {
      const pending = driveAttempt({ origin: `http://127.0.0.1:${port}`, template: "/slow", path: "/slow" });
      let inFlight: number | undefined;
      for (let i = 0; i < 200 && inFlight !== 1; i++) {
        await new Promise((r) => setTimeout(r, 5));
        const pts = (await otel.metric("http.client.active_requests"))!.dataPoints as DataPoint<number>[];
        inFlight = pointWith(pts, { "url.template": "/slow" })?.value;
      }
      expect(inFlight).toBe(1);
      release();
      await pending;
      const pts = (await otel.metric("http.client.active_requests"))!.dataPoints as DataPoint<number>[];
      expect(pointWith(pts, { "url.template": "/slow" })?.value).toBe(0);
    } finally {
      release();
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });
});
