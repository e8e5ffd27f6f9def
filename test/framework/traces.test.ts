/**
 * Express under @opentelemetry/instrumentation-http: the auth API's
 * `auth.<api>` span sits under the framework's SERVER span, and the trace
 * goes on through the recipe and core CLIENT spans to the dev core's SERVER span.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SpanKind } from "@opentelemetry/api";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import corelens from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Session from "../../src/recipe/session/index.js";
import { startDevCore } from "../../src/devcore/index.js";
import { registerOtel, type OtelHarness } from "../telemetry/otel.js";
import { startExpressApp, type App } from "./helpers/apps.js";
import { FrontendClient, freshEmail } from "./helpers/client.js";

let otel: OtelHarness;
let core: Awaited<ReturnType<typeof startDevCore>>;
let app: App;
let unregister: () => void;

beforeAll(async () => {
  otel = registerOtel();
  unregister = registerInstrumentations({ tracerProvider: otel.tracerProvider, instrumentations: [new HttpInstrumentation()] });
  // The instrumentation patches node:http when it is next required; http.Server.prototype is shared, so Express's server is covered.
  createRequire(import.meta.url)("node:http");
  core = await startDevCore({ port: 0 });
  corelens.init({
    supertokens: { connectionURI: core.url },
    appInfo: { appName: "traces", apiDomain: "http://127.0.0.1:3001", websiteDomain: "http://127.0.0.1:3000" },
    recipeList: [EmailPassword.init(), Session.init()],
  });
  app = await startExpressApp();
});

afterAll(async () => {
  await app.close();
  await corelens.close();
  await core.close();
  unregister();
  await otel.shutdown();
});

const parentOf = (spans: ReadableSpan[], span: ReadableSpan) => spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);

it("sign in: SERVER (instrumentation-http) → auth.signin → emailpassword.signIn → CLIENT → dev core SERVER, one trace", async () => {
  const c = new FrontendClient(app.url, "cookie");
  const email = freshEmail("express-trace");
  await c.signUp(email, "password123");
  otel.exporter.reset();
  await c.signIn(email, "password123");
  const api = await (async () => {
    for (let i = 0; i < 50; i++) {
      const found = otel.spans().find((s) => s.name === "auth.signin");
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    return undefined;
  })();
  expect(api).toBeDefined();
  const spans = otel.spans().filter((s) => s.spanContext().traceId === api!.spanContext().traceId);
  const coreSpan = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes["http.route"] === "/<tenantId>/recipe/signin")!;
  const chain: string[] = [];
  for (let s: ReadableSpan | undefined = coreSpan; s !== undefined; s = parentOf(spans, s)) chain.unshift(`${SpanKind[s.kind]} ${s.name}`);
  expect(chain).toEqual([
    "SERVER POST",
    "INTERNAL auth.signin",
    "INTERNAL emailpassword.signIn",
    "CLIENT POST /<tenantId>/recipe/signin",
    "SERVER POST /<tenantId>/recipe/signin",
  ]);
  expect(parentOf(spans, api!)!.attributes["http.target"] ?? parentOf(spans, api!)!.attributes["url.path"]).toBe("/auth/signin");
  expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(c.cookie("sAccessToken")!.value);
});

it("verifySession: a session.verifySession span under the route's SERVER span, with the tenant and NO_SESSION/OK", async () => {
  const waitFor = async (n: number) => {
    for (let i = 0; i < 50 && otel.spans().filter((s) => s.name === "session.verifySession").length < n; i++) await new Promise((r) => setTimeout(r, 10));
    return otel.spans().filter((s) => s.name === "session.verifySession");
  };
  const c = new FrontendClient(app.url, "cookie");
  await c.signUp(freshEmail("express-verify"), "password123");
  otel.exporter.reset();
  expect((await c.call("GET", "/api/me")).status).toBe(200);
  const [ok] = await waitFor(1);
  expect(ok).toBeDefined();
  expect(ok!.attributes["corelens.result.status"]).toBe("OK");
  expect(ok!.attributes["corelens.tenant_id"]).toBe("public");
  expect(parentOf(otel.spans(), ok!)?.kind).toBe(SpanKind.SERVER);
  otel.exporter.reset();
  await new FrontendClient(app.url, "cookie").call("GET", "/api/optional");
  const [none] = await waitFor(1);
  expect(none!.attributes["corelens.result.status"]).toBe("NO_SESSION");
});
