/**
 * The CLIENT span and the corelens.interceptor span of one attempt, driven
 * through the seam exactly as the querier drives it, against a real server.
 */
import { describe, expect, it } from "vitest";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { startRecordingServer, useOtelAndServer } from "./servers.js";
import { driveAttempt } from "./drive.js";

const env = useOtelAndServer((req) => {
  if (req.url?.startsWith("/missing")) return { status: 404, body: { message: "no" } };
  if (req.url?.startsWith("/broken")) return { status: 500, body: { message: "boom" } };
  return { status: 200, body: { status: "OK" } };
});

function clientSpans(): ReadableSpan[] {
  return env.otel.spans().filter((s) => s.kind === SpanKind.CLIENT);
}
function onlyClientSpan(): ReadableSpan {
  const spans = clientSpans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe("the CLIENT span of an attempt", () => {
  it("follows the stable HTTP client conventions, named by method and CDI template", async () => {
    const r = await driveAttempt({
      origin: env.server.origin,
      template: "/<tenantId>/recipe/signin",
      path: "/tenant1/recipe/signin",
      tenantId: "tenant1",
      params: { userId: "u1" },
      body: { email: "a@b.c", password: "hunter2-password" },
    });
    expect(r.status).toBe(200);
    const span = onlyClientSpan();
    expect(span.name).toBe("POST /<tenantId>/recipe/signin");
    expect(span.attributes).toEqual({
      "http.request.method": "POST",
      "server.address": "127.0.0.1",
      "server.port": env.server.port,
      "url.full": `${env.server.origin}/tenant1/recipe/signin?userId=u1`,
      "url.template": "/<tenantId>/recipe/signin",
      "http.response.status_code": 200,
      "network.protocol.version": "1.1",
      "corelens.cdi_version": "5.4",
      "corelens.tenant_id": "tenant1",
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    // No interceptor configured: no interceptor span, no diff attributes.
    expect(env.otel.spans().some((s) => s.name === "corelens.interceptor")).toBe(false);
  });

  it("nests under the span active when the call was made", async () => {
    const tracer = trace.getTracer("test");
    await tracer.startActiveSpan("session.createNewSession", async (parent) => {
      await driveAttempt({ origin: env.server.origin, template: "/recipe/session", path: "/recipe/session" });
      parent.end();
    });
    const span = onlyClientSpan();
    const parent = env.otel.spans().find((s) => s.name === "session.createNewSession")!;
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
  });

  it("is ERROR with error.type set to the status code for 4xx and 5xx", async () => {
    await driveAttempt({ origin: env.server.origin, template: "/missing", path: "/missing", method: "get" });
    await driveAttempt({ origin: env.server.origin, template: "/broken", path: "/broken", method: "get" });
    const [notFound, broken] = clientSpans();
    expect(notFound!.attributes["http.response.status_code"]).toBe(404);
    expect(notFound!.attributes["error.type"]).toBe("404");
    expect(notFound!.status.code).toBe(SpanStatusCode.ERROR);
    expect(broken!.attributes["error.type"]).toBe("500");
    expect(broken!.status.code).toBe(SpanStatusCode.ERROR);
    expect(notFound!.name).toBe("GET /missing");
  });

  it("is ERROR with the error's kind and an exception event for transport errors", async () => {
    const dead = await startRecordingServer();
    const origin = dead.origin;
    await dead.close();
    const r = await driveAttempt({ origin, template: "/recipe/user", path: "/recipe/user", method: "get" });
    expect((r.error as { code?: string }).code).toBe("ECONNREFUSED");
    const span = onlyClientSpan();
    expect(span.attributes["error.type"]).toBe("ECONNREFUSED");
    expect(span.attributes["http.response.status_code"]).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.name)).toEqual(["exception"]);
  });

  it("carries http.request.resend_count on a retry and not on a first attempt", async () => {
    await driveAttempt({ origin: env.server.origin, template: "/a", path: "/a" });
    await driveAttempt({ origin: env.server.origin, template: "/a", path: "/a", resendCount: 2 });
    const [first, third] = clientSpans();
    expect(first!.attributes["http.request.resend_count"]).toBeUndefined();
    expect(third!.attributes["http.request.resend_count"]).toBe(2);
  });

  it("redacts credentials and sensitive query values in url.full", async () => {
    await driveAttempt({
      origin: env.server.origin,
      template: "/recipe/x",
      path: "/recipe/x",
      params: { token: "tok-SECRET-1", sig: "s1", Signature: "s2", plain: "visible" },
      interceptor: (req) => ({ ...req, url: req.url.replace("http://", "http://user:pw-SECRET@") }),
    });
    const span = onlyClientSpan();
    expect(span.attributes["url.full"]).toBe(
      `http://REDACTED:REDACTED@127.0.0.1:${env.server.port}/recipe/x?token=REDACTED&sig=REDACTED&Signature=REDACTED&plain=visible`,
    );
    expect(span.attributes["corelens.request.original.url"]).toBe(
      `${env.server.origin}/recipe/x?token=REDACTED&sig=REDACTED&Signature=REDACTED&plain=visible`,
    );
  });
});

describe("the interceptor and what it changed", () => {
  const base = { template: "/<tenantId>/recipe/signup", path: "/public/recipe/signup", tenantId: "public" };

  function interceptorSpan(): ReadableSpan {
    const s = env.otel.spans().filter((x) => x.name === "corelens.interceptor");
    expect(s).toHaveLength(1);
    return s[0]!;
  }

  it("runs in a corelens.interceptor INTERNAL span under the CLIENT span; user spans nest under it", async () => {
    let activeInInterceptor: string | undefined;
    await driveAttempt({
      origin: env.server.origin,
      ...base,
      interceptor: (req) => {
        activeInInterceptor = trace.getActiveSpan()?.spanContext().spanId;
        trace.getTracer("user").startActiveSpan("user.lookup", (s) => s.end());
        return req;
      },
    });
    const client = onlyClientSpan();
    const inter = interceptorSpan();
    const user = env.otel.spans().find((s) => s.name === "user.lookup")!;
    expect(inter.kind).toBe(SpanKind.INTERNAL);
    expect(inter.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(activeInInterceptor).toBe(inter.spanContext().spanId);
    expect(user.parentSpanContext?.spanId).toBe(inter.spanContext().spanId);
    expect(client.attributes["corelens.interceptor.changed"]).toEqual([]);
    expect(client.attributes["corelens.interceptor.body.changed"]).toBe(false);
    expect(client.attributes["corelens.request.original.method"]).toBeUndefined();
    expect(client.attributes["corelens.request.original.url"]).toBeUndefined();
  });

  it("records a method change: span renamed, http.request.method as sent, original kept", async () => {
    await driveAttempt({ origin: env.server.origin, ...base, interceptor: (req) => ({ ...req, method: "put" }) });
    expect(env.server.requests[0]!.method).toBe("PUT");
    const span = onlyClientSpan();
    expect(span.name).toBe("PUT /<tenantId>/recipe/signup");
    expect(span.attributes["http.request.method"]).toBe("PUT");
    expect(span.attributes["corelens.interceptor.changed"]).toEqual(["method"]);
    expect(span.attributes["corelens.request.original.method"]).toBe("POST");
  });

  it("records a URL change, including a move to another host", async () => {
    const other = await startRecordingServer();
    try {
      await driveAttempt({
        origin: env.server.origin,
        ...base,
        interceptor: (req) => ({ ...req, url: req.url.replace(env.server.origin, other.origin).replace("/public/", "/t2/") }),
      });
      expect(other.requests).toHaveLength(1);
      const span = onlyClientSpan();
      expect(span.attributes["corelens.interceptor.changed"]).toEqual(["url"]);
      expect(span.attributes["corelens.request.original.url"]).toBe(`${env.server.origin}/public/recipe/signup`);
      expect(span.attributes["url.full"]).toBe(`${other.origin}/t2/recipe/signup`);
      expect(span.attributes["server.port"]).toBe(other.port);
      // url.template stays the CDI template: low cardinality whatever the interceptor does.
      expect(span.attributes["url.template"]).toBe("/<tenantId>/recipe/signup");
    } finally {
      await other.close();
    }
  });

  it("records params added, removed and modified", async () => {
    await driveAttempt({
      origin: env.server.origin,
      ...base,
      params: { keep: "1", drop: "2", change: "3" },
      interceptor: (req) => ({ ...req, params: { keep: "1", change: "33", extra: true } }),
    });
    const span = onlyClientSpan();
    expect(span.attributes["corelens.interceptor.changed"]).toEqual(["params"]);
    expect(span.attributes["corelens.interceptor.params.added"]).toEqual(["extra"]);
    expect(span.attributes["corelens.interceptor.params.removed"]).toEqual(["drop"]);
    expect(span.attributes["corelens.interceptor.params.modified"]).toEqual(["change"]);
  });

  it("records headers added, removed and modified, lower-cased, even when mutated in place", async () => {
    await driveAttempt({
      origin: env.server.origin,
      ...base,
      headers: { "x-drop": "1", "x-change": "a" },
      interceptor: (req) => {
        delete req.headers["x-drop"];
        req.headers["x-change"] = "b";
        req.headers["X-Tenant"] = "t1";
        return req;
      },
    });
    const span = onlyClientSpan();
    expect(span.attributes["corelens.interceptor.changed"]).toEqual(["headers"]);
    expect(span.attributes["corelens.interceptor.headers.added"]).toEqual(["x-tenant"]);
    expect(span.attributes["corelens.interceptor.headers.removed"]).toEqual(["x-drop"]);
    expect(span.attributes["corelens.interceptor.headers.modified"]).toEqual(["x-change"]);
    // Values are not recorded by default.
    expect(Object.keys(span.attributes).some((k) => k.startsWith("http.request.header."))).toBe(false);
  });

  it("records a body change (in place too) as a boolean, without the body", async () => {
    await driveAttempt({
      origin: env.server.origin,
      ...base,
      body: { email: "a@b.c" },
      interceptor: (req) => {
        (req.body as Record<string, unknown>).email = "x@y.z";
        return req;
      },
    });
    const span = onlyClientSpan();
    expect(span.attributes["corelens.interceptor.changed"]).toEqual(["body"]);
    expect(span.attributes["corelens.interceptor.body.changed"]).toBe(true);
    expect(span.attributes["http.request.body.content"]).toBeUndefined();
  });

  it("lists every part when everything changed", async () => {
    await driveAttempt({
      origin: env.server.origin,
      ...base,
      body: { a: 1 },
      interceptor: (req) => ({
        url: req.url.replace("/public/", "/t9/"),
        method: "patch",
        headers: { ...req.headers, "x-new": "1" },
        params: { p: "1" },
        body: { a: 2 },
      }),
    });
    expect(onlyClientSpan().attributes["corelens.interceptor.changed"]).toEqual(["method", "url", "params", "headers", "body"]);
  });

  it("a throwing interceptor: exception on the interceptor span, CLIENT span ERROR, nothing sent", async () => {
    const r = await driveAttempt({
      origin: env.server.origin,
      ...base,
      interceptor: () => {
        throw new Error("tenant lookup failed");
      },
    });
    expect((r.error as Error).message).toBe("tenant lookup failed");
    expect(env.server.requests).toHaveLength(0);
    const inter = interceptorSpan();
    expect(inter.status.code).toBe(SpanStatusCode.ERROR);
    expect(inter.events).toHaveLength(1);
    expect(inter.events[0]!.name).toBe("exception");
    expect(inter.events[0]!.attributes?.["exception.message"]).toBe("tenant lookup failed");
    const client = onlyClientSpan();
    expect(client.status.code).toBe(SpanStatusCode.ERROR);
    expect(client.attributes["error.type"]).toBe("interceptor_error");
    expect(inter.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
  });
});
