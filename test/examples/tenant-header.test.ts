/**
 * examples/tenant-header: the interceptor adds `x-tenant-id` (from the incoming
 * request, through AsyncLocalStorage) to every core call, and sends a tenant's
 * calls to its own core base URL when TENANT_CORE_BASE_URLS says so. A recording
 * proxy in front of the dev core shows what really arrived; the exported
 * CLIENT spans show what corelens recorded about the interceptor's changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startDevCore, type DevCore } from "../../src/devcore/index.js";
import { startOtlpReceiver, type OtlpReceiver } from "../telemetry/otlpReceiver.js";
import { callApp, startExample, type RunningExample } from "./helpers.js";

interface Arrived {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** Forwards to the dev core, recording each request; strips `/shard-b`, the per-tenant base path under test. */
async function startRecordingProxy(target: DevCore): Promise<{ origin: string; arrived: Arrived[]; close(): Promise<void> }> {
  const arrived: Arrived[] = [];
  const server: Server = createServer((req, res) => {
    arrived.push({ method: req.method!, path: req.url!, headers: req.headers });
    const path = req.url!.startsWith("/shard-b/") ? req.url!.slice("/shard-b".length) : req.url!;
    const upstream = request({ host: "127.0.0.1", port: target.port, method: req.method, path, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let core: DevCore;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let receiver: OtlpReceiver;
let app: RunningExample;

beforeAll(async () => {
  core = await startDevCore({ port: 0, apiKeys: ["tenant-header-test-key"] });
  proxy = await startRecordingProxy(core);
  receiver = await startOtlpReceiver();
  app = await startExample("examples/tenant-header/server.mjs", {
    CORELENS_CONNECTION_URI: proxy.origin,
    CORELENS_API_KEY: "tenant-header-test-key",
    TENANT_CORE_BASE_URLS: JSON.stringify({ globex: `${proxy.origin}/shard-b` }),
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_METRICS_EXPORTER: "none",
  }, ["--import", "corelens/instrumentation"]);
});
afterAll(async () => {
  await app?.stop();
  await receiver?.close();
  await proxy?.close();
  await core?.close();
});

describe("examples/tenant-header", () => {
  it("stamps x-tenant-id on every core call of a request, routes a configured tenant to its base URL, and records it on the spans", async () => {
    const startup = proxy.arrived.length;
    expect(startup).toBeGreaterThan(0); // tenant creation at startup
    // Outside a request there is no tenant: nothing is added.
    expect(proxy.arrived.every((a) => a.headers["x-tenant-id"] === undefined)).toBe(true);

    const acme = await callApp(app.url, "acme", "POST", "/auth/signup", { body: { email: "ada@acme.example", password: "tenant-test-pw-1" } });
    expect(acme.status).toBe(200);
    expect(acme.json.tenantId).toBe("acme");
    const me = await callApp(app.url, "acme", "PUT", "/me/metadata", { body: { plan: "pro" }, accessToken: acme.json.accessToken });
    expect(me.json).toEqual({ metadata: { plan: "pro" } });
    const acmeCalls = proxy.arrived.slice(startup);
    expect(acmeCalls.map((a) => `${a.method} ${a.path}`)).toEqual(
      expect.arrayContaining(["POST /acme/recipe/signup", "POST /acme/recipe/session", "PUT /recipe/user/metadata"]),
    );
    for (const call of acmeCalls) expect(call.headers["x-tenant-id"], `${call.method} ${call.path}`).toBe("acme");

    // globex is routed to its own base URL: every call of its request goes to /shard-b, with its header.
    const before = proxy.arrived.length;
    const globex = await callApp(app.url, "globex", "POST", "/auth/signup", { body: { email: "bob@globex.example", password: "tenant-test-pw-2" } });
    expect(globex.status).toBe(200);
    expect(globex.json.tenantId).toBe("globex");
    const globexCalls = proxy.arrived.slice(before);
    expect(globexCalls.map((a) => `${a.method} ${a.path}`)).toEqual(["POST /shard-b/globex/recipe/signup", "POST /shard-b/globex/recipe/session"]);
    for (const call of globexCalls) expect(call.headers["x-tenant-id"]).toBe("globex");

    // Same email in two tenants: two users, each in its own tenant.
    const acmeAgain = await callApp(app.url, "acme", "POST", "/auth/signin", { body: { email: "bob@globex.example", password: "tenant-test-pw-2" } });
    expect(acmeAgain.status).toBe(401);

    // A bad tenant id never reaches the core.
    const count = proxy.arrived.length;
    const bad = await callApp(app.url, "Not A Tenant", "GET", "/me");
    expect(bad.status).toBe(400);
    expect(proxy.arrived.length).toBe(count);

    await app.stop(); // flushes the spans
    const clientSpans = receiver.spans.filter((s) => s.scope === "corelens" && s.kind === 3);
    const acmeSignup = clientSpans.find((s) => s.name === "POST /<tenantId>/recipe/signup" && s.attributes["corelens.tenant_id"] === "acme")!;
    expect(acmeSignup.attributes).toMatchObject({
      "corelens.interceptor.changed": ["headers"],
      "corelens.interceptor.headers.added": ["x-tenant-id"],
      "url.full": `${proxy.origin}/acme/recipe/signup`,
    });
    const globexSignup = clientSpans.find((s) => s.name === "POST /<tenantId>/recipe/signup" && s.attributes["corelens.tenant_id"] === "globex")!;
    expect(globexSignup.attributes["corelens.interceptor.headers.added"]).toEqual(["x-tenant-id"]);
    expect(globexSignup.attributes["corelens.interceptor.changed"]).toEqual(expect.arrayContaining(["headers", "url"]));
    expect(globexSignup.attributes["url.full"]).toBe(`${proxy.origin}/shard-b/globex/recipe/signup`);
    expect(globexSignup.attributes["corelens.request.original.url"]).toBe(`${proxy.origin}/globex/recipe/signup`);
    // Every core call made while serving a request carries the header on its span; startup calls do not.
    const metadataWrite = clientSpans.find((s) => s.name === "PUT /recipe/user/metadata")!;
    expect(metadataWrite.attributes["corelens.interceptor.headers.added"]).toEqual(["x-tenant-id"]);
    const tenantCreate = clientSpans.find((s) => s.name === "PUT /recipe/multitenancy/tenant/v2")!;
    expect(tenantCreate.attributes["corelens.interceptor.changed"] ?? []).toEqual([]);
    expect(JSON.stringify(receiver.spans)).not.toContain("tenant-header-test-key");
  });
});
