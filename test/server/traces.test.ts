/**
 * One trace per auth API call, from the server's SERVER span down to the dev
 * core's SERVER span: SERVER (auth server, or Express under
 * instrumentation-http) → auth.<api> → recipe span → core CLIENT span → dev
 * core SERVER span. Real SDK pieces with an in-memory exporter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import corelens from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Session from "../../src/recipe/session/index.js";
import { startDevCore } from "../../src/devcore/index.js";
import { startAuthServer, type AuthServer } from "../../src/server/authServer.js";
import { registerOtel, type OtelHarness } from "../telemetry/otel.js";
import { FrontendClient, freshEmail } from "../framework/helpers/client.js";

let otel: OtelHarness;
let core: Awaited<ReturnType<typeof startDevCore>>;
let server: AuthServer;

beforeAll(async () => {
  otel = registerOtel();
  core = await startDevCore({ port: 0 });
  corelens.init({
    supertokens: { connectionURI: core.url },
    appInfo: { appName: "traces", apiDomain: "http://127.0.0.1:3001", websiteDomain: "http://127.0.0.1:3000" },
    recipeList: [EmailPassword.init(), Session.init()],
  });
  server = await startAuthServer({ port: 0 });
});

afterAll(async () => {
  await server.close();
  await corelens.close();
  await core.close();
  await otel.shutdown();
});

/** Spans of the trace whose root is the server span of the call made by `run`. */
async function traceOf(run: () => Promise<unknown>, rootName: string): Promise<ReadableSpan[]> {
  otel.exporter.reset();
  await run();
  // The server span ends after the response is written; give it a moment.
  for (let i = 0; i < 50 && !otel.spans().some((s) => s.name === rootName); i++) await new Promise((r) => setTimeout(r, 10));
  const root = otel.spans().find((s) => s.name === rootName && s.kind === SpanKind.SERVER);
  expect(root, `server span ${rootName}`).toBeDefined();
  return otel.spans().filter((s) => s.spanContext().traceId === root!.spanContext().traceId);
}

function parentOf(spans: ReadableSpan[], span: ReadableSpan): ReadableSpan | undefined {
  return spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
}

/** The chain from the dev core's SERVER span for `template` up to the root. */
function chainUp(spans: ReadableSpan[], template: string): string[] {
  const coreServer = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes["http.route"] === template);
  expect(coreServer, `dev core span for ${template}`).toBeDefined();
  const names: string[] = [];
  for (let s: ReadableSpan | undefined = coreServer; s !== undefined; s = parentOf(spans, s)) names.push(`${SpanKind[s.kind]} ${s.name}`);
  return names.reverse();
}

describe("standalone auth server", () => {
  it("sign up: SERVER → auth.signup → emailpassword.signUp → CLIENT → dev core SERVER, all one trace", async () => {
    const c = new FrontendClient(server.url, "header");
    const spans = await traceOf(() => c.signUp(freshEmail("trace"), "password123"), "POST /auth/signup");
    expect(chainUp(spans, "/<tenantId>/recipe/signup")).toEqual([
      "SERVER POST /auth/signup",
      "INTERNAL auth.signup",
      "INTERNAL emailpassword.signUp",
      "CLIENT POST /<tenantId>/recipe/signup",
      "SERVER POST /<tenantId>/recipe/signup",
    ]);
    expect(chainUp(spans, "/<tenantId>/recipe/session")).toEqual([
      "SERVER POST /auth/signup",
      "INTERNAL auth.signup",
      "INTERNAL session.createNewSessionWithoutRequestResponse",
      "CLIENT POST /<tenantId>/recipe/session",
      "SERVER POST /<tenantId>/recipe/session",
    ]);
    const api = spans.find((s) => s.name === "auth.signup")!;
    expect(api.attributes["corelens.result.status"]).toBe("OK");
    expect(api.attributes["corelens.tenant_id"]).toBe("public");
    // One root only: the whole call is one trace.
    expect(spans.filter((s) => parentOf(spans, s) === undefined).map((s) => s.name)).toEqual(["POST /auth/signup"]);
  });

  it("sign in, refresh and sign out: each its own trace down to the core; a tenant path is named by template", async () => {
    const c = new FrontendClient(server.url, "header");
    const email = freshEmail("trace2");
    await c.signUp(email, "password123");
    const signIn = await traceOf(() => c.signIn(email, "password123", "public"), "POST /auth/{tenantId}/signin");
    expect(chainUp(signIn, "/<tenantId>/recipe/signin")).toEqual([
      "SERVER POST /auth/{tenantId}/signin",
      "INTERNAL auth.signin",
      "INTERNAL emailpassword.signIn",
      "CLIENT POST /<tenantId>/recipe/signin",
      "SERVER POST /<tenantId>/recipe/signin",
    ]);
    const refresh = await traceOf(() => c.refresh(), "POST /auth/session/refresh");
    expect(chainUp(refresh, "/recipe/session/refresh")).toEqual([
      "SERVER POST /auth/session/refresh",
      "INTERNAL auth.refresh",
      "INTERNAL session.refreshSessionWithoutRequestResponse",
      "CLIENT POST /recipe/session/refresh",
      "SERVER POST /recipe/session/refresh",
    ]);
    const out = await traceOf(() => c.signOut(), "POST /auth/signout");
    // The dev core serves the tenant-less path under its tenant route.
    expect(chainUp(out, "/<tenantId>/recipe/session/remove")).toEqual([
      "SERVER POST /auth/signout",
      "INTERNAL auth.signout",
      "INTERNAL session.sessionContainer.revokeSession",
      "CLIENT POST /recipe/session/remove",
      "SERVER POST /<tenantId>/recipe/session/remove",
    ]);
    // Verifying the first token after a refresh asks the core (it promotes the new refresh token), in the same trace.
    expect(chainUp(out, "/recipe/session/verify")).toEqual([
      "SERVER POST /auth/signout",
      "INTERNAL auth.signout",
      "INTERNAL session.getSessionWithoutRequestResponse",
      "CLIENT POST /recipe/session/verify",
      "SERVER POST /recipe/session/verify",
    ]);
    expect(signIn[0]!.spanContext().traceId).not.toBe(refresh[0]!.spanContext().traceId);
  });

  it("a failed sign in is recorded as its outcome, not as an error; no secret in any span", async () => {
    const c = new FrontendClient(server.url, "cookie");
    const spans = await traceOf(() => c.signIn(freshEmail("nobody"), "secret-Passw0rd"), "POST /auth/signin");
    const api = spans.find((s) => s.name === "auth.signin")!;
    expect(api.attributes["corelens.result.status"]).toBe("WRONG_CREDENTIALS_ERROR");
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    expect(everything).not.toContain("secret-Passw0rd");
  });
});
