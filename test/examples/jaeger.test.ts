/**
 * examples/jaeger: the app started with `node --import corelens/instrumentation`,
 * Jaeger replaced by a local OTLP/HTTP receiver that decodes the protobuf
 * payload. One sign-up must arrive as one trace: the app's HTTP server span →
 * the recipe span → the core CLIENT span (with its corelens.interceptor child)
 * → the dev core's SERVER span, each parent id pointing at the span above.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../telemetry/otlpReceiver.js";
import { callApp, startExample, type RunningExample } from "./helpers.js";

const SERVER = 2;
const CLIENT = 3;
const INTERNAL = 1;

let receiver: OtlpReceiver;
let app: RunningExample | undefined;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

function only(spans: ReceivedSpan[], predicate: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(predicate);
  expect(found, `${what}: ${found.length} found among ${spans.map((s) => s.name).join(", ")}`).toHaveLength(1);
  return found[0]!;
}

describe("examples/jaeger", () => {
  it("exports one trace per app request, from the app's server span down to the dev core's SERVER span", async () => {
    app = await startExample("examples/jaeger/server.mjs", {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: "jaeger-example-test",
      OTEL_METRICS_EXPORTER: "none",
    }, ["--import", "corelens/instrumentation"]);

    const signup = await callApp(app.url, "acme", "POST", "/auth/signup", { body: { email: "ada@acme.example", password: "jaeger-test-pw-1" } });
    expect(signup.status).toBe(200);
    const me = await callApp(app.url, "acme", "GET", "/me", { accessToken: signup.json.accessToken });
    expect(me.json).toMatchObject({ tenantId: "acme", metadata: {} });

    // SIGTERM: the bootstrap flushes the batched spans, then the process ends.
    const exit = await app.stop();
    expect(exit.signal ?? exit.code).toBeTruthy();
    expect(receiver.contentTypes.length).toBeGreaterThan(0);
    expect(receiver.contentTypes.every((t) => t === "application/x-protobuf")).toBe(true);

    const spans = receiver.spans;
    const server = only(spans, (s) => s.kind === SERVER && s.name === "POST /auth/signup", "app server span");
    expect(server.scope).toBe("@opentelemetry/instrumentation-http");
    expect(server.parentSpanId).toBe("");
    expect(server.attributes).toMatchObject({ "http.route": "/auth/signup", "http.response.status_code": 200 });
    expect(server.resource["service.name"]).toBe("jaeger-example-test");
    const trace = spans.filter((s) => s.traceId === server.traceId);

    const recipe = only(trace, (s) => s.name === "emailpassword.signUp", "recipe span");
    expect(recipe).toMatchObject({ kind: INTERNAL, scope: "corelens", parentSpanId: server.spanId });
    expect(recipe.attributes["corelens.tenant_id"]).toBe("acme");

    const client = only(trace, (s) => s.kind === CLIENT && s.name === "POST /<tenantId>/recipe/signup", "core CLIENT span");
    expect(client).toMatchObject({ scope: "corelens", parentSpanId: recipe.spanId });
    expect(client.attributes).toMatchObject({
      "url.template": "/<tenantId>/recipe/signup",
      "http.response.status_code": 200,
      "corelens.tenant_id": "acme",
      "corelens.interceptor.headers.added": ["x-tenant-id"],
    });

    const interceptor = only(trace, (s) => s.name === "corelens.interceptor" && s.parentSpanId === client.spanId, "interceptor span");
    expect(interceptor.kind).toBe(INTERNAL);

    const core = only(trace, (s) => s.kind === SERVER && s.scope === "corelens-devcore" && s.parentSpanId === client.spanId, "dev core SERVER span");
    expect(core.name).toBe("POST /<tenantId>/recipe/signup");
    expect(core.attributes["http.response.status_code"]).toBe(200);

    // The session the sign-up created is in the same trace, under the same server span.
    const session = only(trace, (s) => s.name === "session.createNewSessionWithoutRequestResponse", "session recipe span");
    expect(session.parentSpanId).toBe(server.spanId);
    const sessionClient = only(trace, (s) => s.kind === CLIENT && s.parentSpanId === session.spanId, "session CLIENT span");
    expect(sessionClient.name).toBe("POST /<tenantId>/recipe/session");
    expect(trace.some((s) => s.scope === "corelens-devcore" && s.parentSpanId === sessionClient.spanId)).toBe(true);

    // The dev core's requests got no second (HTTP instrumentation) server span, and the /me request is its own trace.
    expect(spans.filter((s) => s.scope === "@opentelemetry/instrumentation-http").map((s) => s.name).sort()).toEqual(["GET /me", "POST /auth/signup"]);
    const meServer = spans.find((s) => s.name === "GET /me")!;
    expect(meServer.traceId).not.toBe(server.traceId);
    expect(spans.some((s) => s.traceId === meServer.traceId && s.name === "GET /recipe/user/metadata")).toBe(true);

    // Nothing exported holds the password or the tokens.
    const dump = JSON.stringify(spans);
    expect(dump).not.toContain("jaeger-test-pw-1");
    expect(dump).not.toContain(signup.json.accessToken);
    expect(dump).not.toContain(signup.json.refreshToken);
  });
});
