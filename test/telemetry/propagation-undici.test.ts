/**
 * With @opentelemetry/instrumentation-undici registered as well (what most apps
 * run): core calls still carry exactly one traceparent, from corelens' CLIENT
 * span, and produce no second CLIENT span; the app's other undici calls are
 * still traced by the undici instrumentation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SpanKind } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { request, Agent } from "undici";
import { registerOtel, type OtelHarness } from "./otel.js";
import { startRecordingServer, type RecordingServer } from "./servers.js";
import { driveAttempt } from "./drive.js";

let otel: OtelHarness;
let server: RecordingServer;
let undiciInstrumentation: UndiciInstrumentation;
let deregister: () => void;

beforeAll(async () => {
  otel = registerOtel();
  undiciInstrumentation = new UndiciInstrumentation();
  deregister = registerInstrumentations({
    instrumentations: [undiciInstrumentation],
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
  });
  server = await startRecordingServer();
});
afterEach(() => {
  otel.exporter.reset();
  server.requests.length = 0;
});
afterAll(async () => {
  deregister();
  await server.close();
  await otel.shutdown();
});

describe("with the undici instrumentation registered", () => {
  it("the instrumentation is live: a plain undici call outside corelens gets its span and header", async () => {
    const res = await request(`${server.origin}/elsewhere`);
    await res.body.text();
    const spans = otel.spans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.instrumentationScope.name).toBe("@opentelemetry/instrumentation-undici");
    expect(server.headerValues(server.requests[0]!, "traceparent")).toHaveLength(1);
  });

  it("a core call has one CLIENT span (corelens') and one traceparent naming it", async () => {
    const agent = new Agent();
    try {
      for (const dispatcher of [undefined, agent]) {
        otel.exporter.reset();
        server.requests.length = 0;
        const r = await driveAttempt({
          origin: server.origin,
          template: "/recipe/session",
          path: "/recipe/session",
          interceptor: (req) => req,
          ...(dispatcher ? { dispatcher } : {}),
        });
        expect(r.status).toBe(200);
        const clients = otel.spans().filter((s) => s.kind === SpanKind.CLIENT);
        expect(clients.map((s) => s.instrumentationScope.name)).toEqual(["corelens"]);
        const tps = server.headerValues(server.requests[0]!, "traceparent");
        expect(tps).toEqual([`00-${clients[0]!.spanContext().traceId}-${clients[0]!.spanContext().spanId}-01`]);
      }
    } finally {
      await agent.close();
    }
  });
});
