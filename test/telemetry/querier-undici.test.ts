/**
 * End to end with @opentelemetry/instrumentation-undici registered too, as the
 * bootstrap does: a core call makes one CLIENT span and sends one traceparent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanKind } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { callCore } from "../../src/index.js";
import { startCoreServer, type CoreServer } from "../helpers/coreServer.js";
import { closeCorelens, initWith } from "../helpers/init.js";
import { registerOtel, type OtelHarness } from "./otel.js";

let otel: OtelHarness;
let core: CoreServer;
let deregister: () => void;

beforeAll(async () => {
  otel = registerOtel();
  deregister = registerInstrumentations({
    instrumentations: [new UndiciInstrumentation()],
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
  });
  core = await startCoreServer();
});
afterAll(async () => {
  await closeCorelens();
  deregister();
  await core.close();
  await otel.shutdown();
});

describe("with instrumentation-undici registered", () => {
  it("each core call: exactly one traceparent, naming corelens' CLIENT span, and no undici span", async () => {
    initWith(core.origin, { networkInterceptor: (r) => r });
    await callCore({ method: "post", path: "/recipe/session", body: { userId: "u1" } });
    await callCore({ method: "get", path: "/recipe/user/metadata", params: { userId: "u1" } });
    const clients = otel.spans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(clients.map((s) => `${s.instrumentationScope.name} ${s.name}`)).toEqual([
      "corelens GET /apiversion",
      "corelens POST /recipe/session",
      "corelens GET /recipe/user/metadata",
    ]);
    expect(core.requests).toHaveLength(3);
    core.requests.forEach((r, i) => {
      const raw = r.headers.traceparent;
      expect(typeof raw).toBe("string");
      // Node folds duplicate headers into "a, b": a single value means a single header.
      expect(raw).toBe(`00-${clients[i]!.spanContext().traceId}-${clients[i]!.spanContext().spanId}-01`);
    });
  });
});
