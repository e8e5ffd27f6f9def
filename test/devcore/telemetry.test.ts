/**
 * The dev core's SERVER span per request, with a real OpenTelemetry SDK
 * (NodeTracerProvider, in-memory exporter, W3C propagator) registered in this
 * test file only: the span continues the caller's trace from `traceparent`.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { call, expectCdiConformance, startObservedDevCore, type ObservedDevCore } from "./helpers/devcore.js";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register({ propagator: new W3CTraceContextPropagator() });

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN_ID = "00f067aa0ba902b7";
const traceparent = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;

let dc: ObservedDevCore;
beforeAll(async () => {
  dc = await startObservedDevCore();
});
beforeEach(() => exporter.reset());
afterAll(async () => {
  await dc.core.close();
  await provider.shutdown();
  expectCdiConformance(dc);
});

const serverSpans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);

it("records a SERVER span named by route template, child of the incoming traceparent", async () => {
  const password = "span-secret-password";
  await call(dc.core, "POST", "/recipe/signup", { email: "span@example.com", password }, { traceparent });
  const [span, ...others] = serverSpans();
  expect(others).toEqual([]);
  expect(span!.name).toBe("POST /<tenantId>/recipe/signup");
  expect(span!.spanContext().traceId).toBe(TRACE_ID);
  expect(span!.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
  expect(span!.attributes).toMatchObject({
    "http.route": "/<tenantId>/recipe/signup",
    "http.request.method": "POST",
    "http.response.status_code": 200,
    "url.path": "/recipe/signup",
    "server.address": "127.0.0.1",
    "server.port": dc.core.port,
  });
  expect(JSON.stringify(span!.attributes)).not.toContain(password);
  expect(JSON.stringify(span!.attributes)).not.toContain("span@example.com");
});

it("keeps the template for prefixed paths, leaves query values out, and starts a new trace without traceparent", async () => {
  await call(dc.core, "GET", "/appid-public/public/recipe/session/user?userId=private-user-id");
  const [span] = serverSpans();
  expect(span!.name).toBe("GET /appid-<appId>/<tenantId>/recipe/session/user");
  expect(span!.attributes["url.path"]).toBe("/appid-public/public/recipe/session/user");
  expect(JSON.stringify(span!.attributes)).not.toContain("private-user-id");
  expect(span!.parentSpanContext).toBeUndefined();
  expect(span!.spanContext().traceId).not.toBe(TRACE_ID);
});

it("names unmatched requests by method only and records error statuses", async () => {
  await call(dc.core, "GET", "/no/such/thing", undefined, { traceparent });
  await call(dc.core, "POST", "/recipe/signin", "{bad json", { traceparent });
  const [notFound, bad] = serverSpans();
  expect(notFound!.name).toBe("GET");
  expect(notFound!.attributes["http.route"]).toBeUndefined();
  expect(notFound!.attributes["http.response.status_code"]).toBe(404);
  expect(bad!.name).toBe("POST /<tenantId>/recipe/signin");
  expect(bad!.attributes["http.response.status_code"]).toBe(400);
  // 4xx is the client's problem, not a server error (HTTP semantic conventions for SERVER spans).
  expect(bad!.status.code).toBe(SpanStatusCode.UNSET);
  expect(bad!.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
});
