/**
 * What values telemetry may record: header values only for allow-listed names
 * (never the API key, authorization or cookies), bodies only on opt-in and
 * redacted, and a scan of every exported span for the secrets of a call.
 * User hooks run guarded.
 */
import { describe, expect, it } from "vitest";
import { SpanKind } from "@opentelemetry/api";
import { everyRecordedString } from "./otel.js";
import { startRecordingServer, useOtelAndServer } from "./servers.js";
import { driveAttempt } from "./drive.js";
import { configureTelemetry, TelemetryConfigError } from "../../src/telemetry/config.js";

const API_KEY = "test-api-key-XYZ-123456"; // what drive.ts sends
const PASSWORD = "correct-horse-battery-staple";
const ACCESS_TOKEN = "eyJhbGciOiJSUzI1NiJ9.access-token-value";
const REFRESH_TOKEN = "refresh-token-value-0987";

const env = useOtelAndServer();

const clientSpan = () => env.otel.spans().find((s) => s.kind === SpanKind.CLIENT)!;

describe("captured values", () => {
  it("records allow-listed header values as string[], never api-key, authorization or cookie", async () => {
    configureTelemetry({ captureHeaders: ["X-Tenant", "api-key", "authorization", "cookie", "cdi-version"] });
    await driveAttempt({
      origin: env.server.origin,
      template: "/recipe/x",
      path: "/recipe/x",
      headers: { authorization: "Bearer abc-secret", cookie: "sAccessToken=zzz" },
      interceptor: (req) => ({ ...req, headers: { ...req.headers, "x-tenant": "acme" } }),
    });
    const attrs = clientSpan().attributes;
    expect(attrs["http.request.header.x-tenant"]).toEqual(["acme"]);
    expect(attrs["http.request.header.cdi-version"]).toEqual(["5.4"]);
    expect(attrs["http.request.header.api-key"]).toBeUndefined();
    expect(attrs["http.request.header.authorization"]).toBeUndefined();
    expect(attrs["http.request.header.cookie"]).toBeUndefined();
  });

  it("records the body only when opted in, with secret-like keys redacted and the text truncated", async () => {
    configureTelemetry({ captureBody: { maxLength: 400 }, redactKeys: ["ssn"] });
    await driveAttempt({
      origin: env.server.origin,
      template: "/recipe/signup",
      path: "/recipe/signup",
      body: {
        email: "a@b.c",
        password: PASSWORD,
        ssn: "123-45-6789",
        nested: { accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, antiCsrfToken: "csrf-1", clientSecret: "cs-1" },
        filler: "x".repeat(1000),
      },
      interceptor: (req) => ({ ...req, body: { ...(req.body as object), email: "z@b.c" } }),
    });
    const attrs = clientSpan().attributes;
    const body = attrs["http.request.body.content"] as string;
    expect(body.length).toBe(400);
    expect(body.startsWith('{"email":"z@b.c","password":"REDACTED","ssn":"REDACTED","nested":{"accessToken":"REDACTED",')).toBe(true);
    expect(body).toContain('"refreshToken":"REDACTED","antiCsrfToken":"REDACTED","clientSecret":"REDACTED"}');
    const original = attrs["corelens.request.original.body.content"] as string;
    expect(original.startsWith('{"email":"a@b.c","password":"REDACTED"')).toBe(true);
    // What was sent is untouched.
    expect(JSON.parse(env.server.requests[0]!.body).password).toBe(PASSWORD);
  });

  it("rejects bad options with a typed error saying what to pass", () => {
    expect(() => configureTelemetry({ captureHeaders: "x-tenant" as unknown as string[] })).toThrow(TelemetryConfigError);
    expect(() => configureTelemetry({ captureBody: { maxLength: -1 } })).toThrow(/positive integer/);
    expect(() => configureTelemetry({ requestHook: 3 as never })).toThrow(/requestHook must be a function/);
  });
});

describe("the redaction scan", () => {
  it("no attribute or event of any exported span holds the API key, a password or a token", async () => {
    configureTelemetry({ captureHeaders: ["api-key", "authorization", "cookie", "x-session"], captureBody: true });
    const secretQuery = { token: ACCESS_TOKEN, password: PASSWORD };
    const body = { email: "a@b.c", password: PASSWORD, accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN };
    // A success, an interceptor that changes everything, an interceptor that throws with the key in its message,
    // and a transport error whose message carries the key.
    await driveAttempt({ origin: env.server.origin, template: "/recipe/signin", path: "/recipe/signin", params: secretQuery, body });
    await driveAttempt({
      origin: env.server.origin,
      template: "/recipe/signin",
      path: "/recipe/signin",
      params: secretQuery,
      body,
      headers: { authorization: `Bearer ${ACCESS_TOKEN}`, cookie: `sRefreshToken=${REFRESH_TOKEN}` },
      interceptor: (req) => ({
        url: req.url.replace("http://", `http://admin:${PASSWORD}@`),
        method: "put",
        headers: { ...req.headers, "x-session": "s1" },
        params: { ...req.params, refreshToken: REFRESH_TOKEN },
        body: { ...(req.body as object), newPassword: PASSWORD },
      }),
    });
    await driveAttempt({
      origin: env.server.origin,
      template: "/recipe/signin",
      path: "/recipe/signin",
      interceptor: () => {
        throw new Error(`could not sign with ${API_KEY}`);
      },
    });
    const dead = await startRecordingServer();
    await dead.close();
    await driveAttempt({
      origin: dead.origin,
      template: "/recipe/signin",
      path: "/recipe/signin",
      interceptor: (req) => {
        if (req.url.includes("never")) return req;
        throw Object.assign(new Error(`refused ${API_KEY}`), { code: "ECONNREFUSED" });
      },
    });
    const spans = env.otel.spans();
    expect(spans.length).toBeGreaterThanOrEqual(6);
    const strings = everyRecordedString(spans).join("\n");
    // The scan is not vacuous: the spans do hold redacted data and the exception text.
    expect(strings).toContain("REDACTED");
    expect(strings).toContain("could not sign with REDACTED");
    for (const secret of [API_KEY, PASSWORD, ACCESS_TOKEN, REFRESH_TOKEN]) expect(strings).not.toContain(secret);
  });
});

describe("user hooks", () => {
  it("run with the CLIENT span, and a throwing hook never breaks the call", async () => {
    const seen: string[] = [];
    configureTelemetry({
      requestHook: (span, info) => {
        span.setAttribute("app.tenant", info.request.headers["x-tenant"] ?? "none");
        seen.push(`request ${info.template} ${info.original.method} ${info.original.headers["x-tenant"] ?? "no tenant before"}`);
        throw new Error("request hook bug");
      },
      responseHook: (span, info) => {
        span.setAttribute("app.status", info.statusCode ?? -1);
        seen.push(`response ${info.statusCode}`);
        throw new Error("response hook bug");
      },
    });
    const r = await driveAttempt({
      origin: env.server.origin,
      template: "/recipe/x",
      path: "/recipe/x",
      // Mutates the request in place: the hook still sees the request as corelens built it.
      interceptor: (req) => {
        req.headers["x-tenant"] = "acme";
        return req;
      },
    });
    expect(r.status).toBe(200);
    expect(seen).toEqual(["request /recipe/x post no tenant before", "response 200"]);
    const attrs = clientSpan().attributes;
    expect(attrs["app.tenant"]).toBe("acme");
    expect(attrs["app.status"]).toBe(200);
    expect(env.server.requests).toHaveLength(1);
  });
});
