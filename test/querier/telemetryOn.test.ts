/** The querier with a real OpenTelemetry SDK listening: trace headers go on the final request, never into the interceptor's objects. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { callCore } from "../../src/index.js";
import { registerOtel, type OtelHarness } from "../telemetry/otel.js";
import { startCoreServer, type CoreServer } from "../helpers/coreServer.js";
import { closeCorelens, initWith } from "../helpers/init.js";

let otel: OtelHarness;
let core: CoreServer;
beforeAll(async () => {
  otel = registerOtel();
  core = await startCoreServer();
});
afterAll(async () => {
  await closeCorelens();
  await core.close();
  await otel.shutdown();
});

it("a frozen headers object the interceptor returns every time is not written into; traceparent is still sent", async () => {
  const shared = Object.freeze({ "x-shared": "1" });
  initWith(core.origin, { cdiVersion: "5.4", networkInterceptor: (req) => ({ ...req, headers: shared as Record<string, string> }) });
  await callCore({ method: "get", path: "/recipe/a" });
  await callCore({ method: "get", path: "/recipe/a" });
  const sent = core.calls();
  expect(sent).toHaveLength(2);
  for (const r of sent) {
    expect(r.headers["x-shared"]).toBe("1");
    expect(r.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  }
  expect(shared).toEqual({ "x-shared": "1" });
});
