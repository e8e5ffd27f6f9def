/**
 * Trace context reaches the core as exactly one traceparent, whose parent id is
 * the attempt's CLIENT span; any trace header already on the request is replaced.
 * (The same with @opentelemetry/instrumentation-undici registered: propagation-undici.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { SpanKind, context, propagation, trace } from "@opentelemetry/api";
import { useOtelAndServer } from "./servers.js";
import { driveAttempt } from "./drive.js";
import { configureTelemetry } from "../../src/telemetry/config.js";

const env = useOtelAndServer();

function clientSpan() {
  const spans = env.otel.spans().filter((s) => s.kind === SpanKind.CLIENT);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe("propagation to the core", () => {
  it("sends exactly one traceparent whose parent id is the CLIENT span", async () => {
    await driveAttempt({ origin: env.server.origin, template: "/recipe/session", path: "/recipe/session" });
    const req = env.server.requests[0]!;
    const tps = env.server.headerValues(req, "traceparent");
    expect(tps).toHaveLength(1);
    const span = clientSpan();
    expect(tps[0]).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it("replaces trace headers the interceptor (or the caller) put on the request, and carries baggage", async () => {
    const bag = propagation.createBaggage({ "tenant.plan": { value: "gold" } });
    await context.with(propagation.setBaggage(context.active(), bag), () =>
      driveAttempt({
        origin: env.server.origin,
        template: "/recipe/session",
        path: "/recipe/session",
        headers: { traceparent: "00-11111111111111111111111111111111-2222222222222222-01" },
        interceptor: (req) => ({
          ...req,
          headers: { ...req.headers, TraceParent: "00-33333333333333333333333333333333-4444444444444444-01", tracestate: "x=y" },
        }),
      }),
    );
    const req = env.server.requests[0]!;
    const span = clientSpan();
    expect(env.server.headerValues(req, "traceparent")).toEqual([`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`]);
    // The stale tracestate is gone (this context has none to send).
    expect(env.server.headerValues(req, "tracestate")).toEqual([]);
    expect(env.server.headerValues(req, "baggage")).toEqual(["tenant.plan=gold"]);
  });

  it("keeps the caller's trace: the CLIENT span and the header share its trace id", async () => {
    const tracer = trace.getTracer("test");
    let traceId = "";
    await tracer.startActiveSpan("handler", async (s) => {
      traceId = s.spanContext().traceId;
      await driveAttempt({ origin: env.server.origin, template: "/recipe/session", path: "/recipe/session" });
      s.end();
    });
    const tp = env.server.headerValues(env.server.requests[0]!, "traceparent")[0]!;
    expect(tp.split("-")[1]).toBe(traceId);
  });

  it("sends no trace headers when propagation is turned off (and strips none)", async () => {
    configureTelemetry({ propagate: false });
    await driveAttempt({ origin: env.server.origin, template: "/recipe/session", path: "/recipe/session" });
    const req = env.server.requests[0]!;
    expect(env.server.headerValues(req, "traceparent")).toEqual([]);
    expect(env.server.headerValues(req, "baggage")).toEqual([]);
    // The span is still recorded.
    clientSpan();
  });
});
