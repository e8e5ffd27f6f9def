/**
 * End to end through the real querier: corelens.init() then the low-level
 * callCore, against recording and faulty cores on 127.0.0.1, with the real SDK.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tracingChannel } from "node:diagnostics_channel";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { DataPoint } from "@opentelemetry/sdk-metrics";
import { callCore } from "../../src/index.js";
import { startCoreServer, sendJson, type CoreServer } from "../helpers/coreServer.js";
import { faults, refusedPort } from "../helpers/faults.js";
import { closeCorelens, initWith } from "../helpers/init.js";
import { registerOtel, everyRecordedString, histogramPoints, pointWith, type OtelHarness } from "./otel.js";
import { configureTelemetry, resetTelemetryConfig } from "../../src/telemetry/config.js";
import type { CoreRequestMessage } from "../../src/telemetry/index.js";

const API_KEY = "e2e-api-key-0123456789abcdef";
const PASSWORD = "pa55word-e2e-secret";
const TOKEN = "refresh-token-e2e-value";

let otel: OtelHarness;
let core: CoreServer;

beforeAll(async () => {
  otel = registerOtel();
  core = await startCoreServer();
});
afterEach(async () => {
  await closeCorelens();
  otel.exporter.reset();
  core.requests.length = 0;
  core.setHandler((_req, res) => sendJson(res, 200, { status: "OK" }));
  resetTelemetryConfig();
});
afterAll(async () => {
  await core.close();
  await otel.shutdown();
});

const byStart = <T extends { startTime: [number, number] }>(a: T, b: T) =>
  a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];

describe("core calls through the querier", () => {
  it("a query string written into a callCore path stays out of the span name, url.template and the metric series", async () => {
    initWith([core.origin], { cdiVersion: "5.4" });
    await callCore({ method: "get", path: "/recipe/user?email=someone%40example.com&token=" + TOKEN });
    expect(core.calls()[0]!.url).toBe("/recipe/user?email=someone%40example.com&token=" + TOKEN);
    const span = otel.spans().find((s) => s.kind === SpanKind.CLIENT)!;
    expect(span.name).toBe("GET /recipe/user");
    expect(span.attributes["url.template"]).toBe("/recipe/user");
    const points = histogramPoints(await otel.metric("http.client.request.duration"));
    expect(points.map((p) => p.attributes["url.template"])).toEqual(["/recipe/user"]);
    expect(everyRecordedString(otel.spans()).some((v) => v.includes(TOKEN))).toBe(false);
  });

  it("the exact span tree of a call with a failover and a 429 retry", async () => {
    const deadPort = await refusedPort();
    let signups = 0;
    core.setHandler((req, res) => {
      if (req.path.endsWith("/recipe/signup") && signups++ === 0) return faults.status(429, { "retry-after": "0" })(req, res);
      sendJson(res, 200, { status: "OK" });
    });
    initWith([`http://127.0.0.1:${deadPort}`, core.origin], {
      apiKey: API_KEY,
      cdiVersion: "5.4",
      networkInterceptor: (req) => ({ ...req, headers: { ...req.headers, "x-tenant": "acme" } }),
    });
    await trace.getTracer("app").startActiveSpan("POST /signup handler", async (handler) => {
      await callCore({ method: "post", path: "/<tenantId>/recipe/signup", pathParams: { tenantId: "t1" }, body: { email: "a@b.c", password: PASSWORD } });
      handler.end();
    });

    const spans = otel.spans();
    const handler = spans.find((s) => s.name === "POST /signup handler")!;
    const clients = spans.filter((s) => s.kind === SpanKind.CLIENT).sort(byStart);
    expect(clients.map((s) => s.name)).toEqual([
      "POST /<tenantId>/recipe/signup",
      "POST /<tenantId>/recipe/signup",
      "POST /<tenantId>/recipe/signup",
    ]);
    // Each attempt is a sibling under the caller's span, with its own interceptor span under it.
    for (const c of clients) {
      expect(c.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);
      const inter = spans.filter((s) => s.name === "corelens.interceptor" && s.parentSpanContext?.spanId === c.spanContext().spanId);
      expect(inter).toHaveLength(1);
      expect(c.attributes["corelens.interceptor.headers.added"]).toEqual(["x-tenant"]);
      expect(c.attributes["corelens.tenant_id"]).toBe("t1");
      expect(c.attributes["corelens.cdi_version"]).toBe("5.4");
      expect(c.attributes["url.template"]).toBe("/<tenantId>/recipe/signup");
    }
    expect(spans).toHaveLength(1 + 3 + 3);
    const [refused, limited, ok] = clients as [typeof clients[0], typeof clients[0], typeof clients[0]];
    expect(refused.attributes["server.port"]).toBe(deadPort);
    expect(refused.attributes["error.type"]).toBe("ECONNREFUSED");
    expect(refused.attributes["http.request.resend_count"]).toBeUndefined();
    expect(refused.status.code).toBe(SpanStatusCode.ERROR);
    expect(limited.attributes["server.port"]).toBe(core.port);
    expect(limited.attributes["http.response.status_code"]).toBe(429);
    expect(limited.attributes["error.type"]).toBe("429");
    expect(limited.attributes["http.request.resend_count"]).toBe(1);
    expect(ok.attributes["http.response.status_code"]).toBe(200);
    expect(ok.attributes["http.request.resend_count"]).toBe(2);
    expect(ok.status.code).toBe(SpanStatusCode.UNSET);
    expect(ok.attributes["url.full"]).toBe(`${core.origin}/t1/recipe/signup`);

    // The core saw one traceparent per attempt, naming that attempt's span.
    const received = core.calls().map((r) => r.headers.traceparent);
    expect(received).toEqual(clients.slice(1).map((c) => `00-${c.spanContext().traceId}-${c.spanContext().spanId}-01`));

    const retries = (await otel.metric("corelens.core.retries"))!.dataPoints as DataPoint<number>[];
    expect(pointWith(retries, { "corelens.retry.reason": "connection_error" })?.value).toBe(1);
    expect(pointWith(retries, { "corelens.retry.reason": "rate_limited" })?.value).toBe(1);
    const durations = histogramPoints(await otel.metric("http.client.request.duration"));
    expect(pointWith(durations, { "http.response.status_code": 200, "url.template": "/<tenantId>/recipe/signup" })?.value.count).toBe(1);
    expect(pointWith(durations, { "error.type": "ECONNREFUSED", "server.port": deadPort })?.value.count).toBe(1);
  });

  it("a GET answered from the per-request cache sends nothing and makes no span", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    const userContext = {};
    await callCore({ method: "get", path: "/recipe/user/metadata", params: { userId: "u1" } }, userContext);
    await callCore({ method: "get", path: "/recipe/user/metadata", params: { userId: "u1" } }, userContext);
    expect(core.calls()).toHaveLength(1);
    expect(otel.spans().filter((s) => s.kind === SpanKind.CLIENT).map((s) => s.name)).toEqual(["GET /recipe/user/metadata"]);
  });

  it("the /apiversion negotiation is a CLIENT span too", async () => {
    initWith(core.origin, {});
    await callCore({ method: "get", path: "/recipe/user/metadata", params: { userId: "u1" } });
    const names = otel.spans().filter((s) => s.kind === SpanKind.CLIENT).map((s) => s.name);
    expect(names).toEqual(["GET /apiversion", "GET /recipe/user/metadata"]);
  });

  it("a throwing interceptor: the error reaches the caller, the spans record it, nothing is sent", async () => {
    initWith(core.origin, {
      apiKey: API_KEY,
      cdiVersion: "5.4",
      networkInterceptor: () => {
        throw new Error(`no tenant for key ${API_KEY}`);
      },
    });
    await expect(callCore({ method: "post", path: "/recipe/signin", body: { email: "a@b.c" } })).rejects.toThrow();
    expect(core.calls()).toHaveLength(0);
    const client = otel.spans().find((s) => s.kind === SpanKind.CLIENT)!;
    expect(client.attributes["error.type"]).toBe("interceptor_error");
    expect(client.status.code).toBe(SpanStatusCode.ERROR);
    const inter = otel.spans().find((s) => s.name === "corelens.interceptor")!;
    expect(inter.status.code).toBe(SpanStatusCode.ERROR);
    expect(inter.events[0]!.attributes?.["exception.message"]).toContain("no tenant for key REDACTED");
  });

  it("the redaction scan: no span holds the API key, a password or a token", async () => {
    configureTelemetry({ captureHeaders: ["api-key", "authorization", "x-tenant"], captureBody: true });
    initWith(core.origin, {
      apiKey: API_KEY,
      cdiVersion: "5.4",
      networkInterceptor: (req) => ({
        ...req,
        method: "put",
        headers: { ...req.headers, "x-tenant": "acme", authorization: `Bearer ${TOKEN}` },
        params: { ...req.params, refreshToken: TOKEN },
        body: { ...(req.body as object), newPassword: PASSWORD },
      }),
    });
    await callCore({ method: "post", path: "/recipe/signin", params: { password: PASSWORD }, body: { email: "a@b.c", password: PASSWORD, refreshToken: TOKEN } });
    core.setHandler(faults.status(500, {}, `core echo ${API_KEY} ${PASSWORD}`));
    await expect(callCore({ method: "post", path: "/recipe/signin", body: { password: PASSWORD } })).rejects.toThrow();
    // The core really received the secrets: the scan below is not trivially true.
    expect(core.calls()[0]!.headers["api-key"]).toBe(API_KEY);
    const strings = everyRecordedString(otel.spans()).join("\n");
    expect(strings).toContain("REDACTED");
    expect(strings).toContain('"email":"a@b.c"');
    for (const secret of [API_KEY, PASSWORD, TOKEN]) expect(strings).not.toContain(secret);
  });
  it("publishes each attempt on the corelens:core:request diagnostics channel", async () => {
    const events: string[] = [];
    const handlers = {
      start: (m: CoreRequestMessage) =>
        events.push(`start ${m.request.method} ${m.template} ${m.request.headers["x-tenant"]} ${m.request.headers["api-key"]} ${m.request.headers["x-access-token"]}`),
      end: (m: CoreRequestMessage) => events.push(`end ${m.statusCode}`),
      asyncStart: () => {},
      asyncEnd: () => {},
      error: (m: CoreRequestMessage) => events.push(`error ${m.errorType}`),
    };
    const channel = tracingChannel<CoreRequestMessage, CoreRequestMessage>("corelens:core:request");
    channel.subscribe(handlers);
    try {
      initWith(core.origin, { apiKey: API_KEY, cdiVersion: "5.4", networkInterceptor: (r) => ({ ...r, headers: { ...r.headers, "x-tenant": "acme", "x-access-token": TOKEN } }) });
      await callCore({ method: "post", path: "/recipe/session", body: {} });
      core.setHandler(faults.status(500));
      await expect(callCore({ method: "get", path: "/recipe/user" })).rejects.toThrow();
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(events).toEqual([
      "start POST /recipe/session acme REDACTED REDACTED",
      "end 200",
      "start GET /recipe/user acme REDACTED REDACTED",
      "end 500",
    ]);
  });
  it("a stalled GET that fails over is counted as a retry with reason timeout", async () => {
    const stalled = await startCoreServer({ handler: faults.stall });
    try {
      initWith([stalled.origin, core.origin], { cdiVersion: "5.4", requestTimeoutMs: 200 });
      await expect(callCore({ method: "get", path: "/recipe/user" })).resolves.toEqual({ status: "OK" });
      const retries = (await otel.metric("corelens.core.retries"))!.dataPoints as DataPoint<number>[];
      expect(pointWith(retries, { "corelens.retry.reason": "timeout", "url.template": "/recipe/user" })?.value).toBe(1);
      const attempts = otel.spans().filter((s) => s.kind === SpanKind.CLIENT);
      expect(attempts.map((s) => [s.attributes["error.type"], s.attributes["http.request.resend_count"]])).toEqual([
        ["timeout", undefined],
        [undefined, 1],
      ]);
    } finally {
      await stalled.close();
    }
  });
  it("a request timeout: error.type timeout, status ERROR, no status code", async () => {
    core.setHandler(faults.stall);
    initWith(core.origin, { cdiVersion: "5.4", requestTimeoutMs: 200 });
    await expect(callCore({ method: "post", path: "/recipe/session", body: {} })).rejects.toThrow();
    const client = otel.spans().find((s) => s.kind === SpanKind.CLIENT)!;
    expect(client.attributes["error.type"]).toBe("timeout");
    expect(client.attributes["http.response.status_code"]).toBeUndefined();
    expect(client.status.code).toBe(SpanStatusCode.ERROR);
    const durations = histogramPoints(await otel.metric("http.client.request.duration"));
    expect(pointWith(durations, { "error.type": "timeout", "url.template": "/recipe/session" })?.value.count).toBe(1);
  });
});
