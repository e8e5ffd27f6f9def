/**
 * CorelensInstrumentation in an app's own NodeSDK setup: importing it starts
 * nothing, its config reaches the querier, providers given to it are used,
 * disable() turns corelens telemetry off, and throwing hooks never break a call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanKind, trace } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { callCore } from "../../src/index.js";
import { startCoreServer, type CoreServer } from "../helpers/coreServer.js";
import { closeCorelens, initWith } from "../helpers/init.js";
import { CorelensInstrumentation, TelemetryConfigError } from "../../instrumentation/class.js";
import { querierTelemetry } from "../../src/telemetry/index.js";
import { NOOP_TELEMETRY } from "../../src/telemetry/seam.js";

let core: CoreServer;
beforeAll(async () => {
  core = await startCoreServer();
});
afterAll(async () => {
  await closeCorelens();
  await core.close();
});

describe("CorelensInstrumentation", () => {
  it("importing the class registers no global provider", () => {
    const start = { template: "/x", method: "GET", hostOrigin: core.origin, resendCount: 0, hasInterceptor: false };
    expect(querierTelemetry().startAttempt(start)).toBe(NOOP_TELEMETRY.startAttempt(start));
    expect(trace.getTracer("probe").startSpan("probe").isRecording()).toBe(false);
  });

  it("rejects a bad config with a typed error", () => {
    expect(() => new CorelensInstrumentation({ captureHeaders: [1 as unknown as string] })).toThrow(TelemetryConfigError);
  });

  it("carries its config and providers to the querier; disable() turns corelens telemetry off", async () => {
    const exporter = new InMemorySpanExporter();
    // Not registered globally: the provider reaches corelens only through the instrumentation.
    const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const instrumentation = new CorelensInstrumentation({
      captureHeaders: ["x-tenant"],
      propagate: false,
      requestHook: (span) => {
        span.setAttribute("app.hooked", true);
        throw new Error("hook bug");
      },
      responseHook: () => {
        throw new Error("hook bug");
      },
    });
    const deregister = registerInstrumentations({ instrumentations: [instrumentation], tracerProvider });
    try {
      initWith(core.origin, { cdiVersion: "5.4", networkInterceptor: (r) => ({ ...r, headers: { ...r.headers, "x-tenant": "acme" } }) });
      await expect(callCore({ method: "post", path: "/recipe/session", body: {} })).resolves.toEqual({ status: "OK" });
      const client = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT)!;
      expect(client.name).toBe("POST /recipe/session");
      expect(client.attributes["http.request.header.x-tenant"]).toEqual(["acme"]);
      expect(client.attributes["app.hooked"]).toBe(true);
      // propagate: false
      expect(core.calls()[0]!.headers.traceparent).toBeUndefined();

      exporter.reset();
      instrumentation.disable();
      await callCore({ method: "post", path: "/recipe/session", body: {} });
      expect(exporter.getFinishedSpans()).toEqual([]);
      instrumentation.enable();
      await callCore({ method: "post", path: "/recipe/session", body: {} });
      expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT)).toHaveLength(1);
    } finally {
      deregister();
      await tracerProvider.shutdown();
    }
  });
});
