/** CDI version: one shared /apiversion, highest common version, sent on every call, pin skips it, clear mismatch error. */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { callCore, CoreVersionError } from "../../src/index.js";
import { startCoreServer, type CoreServer } from "../helpers/coreServer.js";
import { closeCorelens, initWith } from "../helpers/init.js";

const opened: CoreServer[] = [];
async function server(versions?: string[] | null): Promise<CoreServer> {
  const s = await startCoreServer(versions === undefined ? {} : { versions });
  opened.push(s);
  return s;
}
afterEach(async () => {
  await closeCorelens();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

describe("API version", () => {
  it("50 concurrent first calls make exactly one /apiversion request", async () => {
    const core = await server();
    initWith(core.origin);
    await Promise.all(Array.from({ length: 50 }, (_, i) => callCore({ method: "get", path: "/recipe/x", params: { i } })));
    expect(core.apiVersionCount()).toBe(1);
    expect(core.calls()).toHaveLength(50);
    // Later calls do not ask again.
    await callCore({ method: "get", path: "/recipe/x" });
    expect(core.apiVersionCount()).toBe(1);
  });

  it("keeps the highest common version and sends it as cdi-version on every call, not on /apiversion itself", async () => {
    const core = await server(["2.21", "5.3", "5.4", "5.6"]);
    initWith(core.origin, { apiKey: "key-0123456789abcdefghij" });
    await callCore({ method: "post", path: "/recipe/x", body: {} });
    await callCore({ method: "get", path: "/recipe/x" });
    const [negotiation, ...calls] = core.requests;
    expect(negotiation!.path).toBe("/apiversion");
    expect(negotiation!.headers["cdi-version"]).toBeUndefined();
    expect(negotiation!.headers["api-key"]).toBe("key-0123456789abcdefghij");
    expect(Object.fromEntries(negotiation!.query)).toEqual({ apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" });
    expect(calls.map((r) => r.headers["cdi-version"])).toEqual(["5.4", "5.4"]);
  });

  it("picks 5.3 from a core that only has 5.3", async () => {
    const core = await server(["5.2", "5.3"]);
    initWith(core.origin);
    await callCore({ method: "get", path: "/recipe/x" });
    expect(core.calls()[0]!.headers["cdi-version"]).toBe("5.3");
  });

  it("a pinned version skips the negotiation entirely", async () => {
    const core = await server();
    initWith(core.origin, { cdiVersion: "5.3" });
    await callCore({ method: "get", path: "/recipe/x" });
    expect(core.apiVersionCount()).toBe(0);
    expect(core.calls()[0]!.headers["cdi-version"]).toBe("5.3");
  });

  it("no common version: CoreVersionError listing both sides; nothing else is sent", async () => {
    const core = await server(["2.21", "3.0"]);
    initWith(core.origin);
    const err = (await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e)) as CoreVersionError;
    expect(err).toBeInstanceOf(CoreVersionError);
    expect(err.coreVersions).toEqual(["2.21", "3.0"]);
    expect(err.sdkVersions).toEqual(["5.3", "5.4"]);
    expect(err.message).toContain("2.21, 3.0");
    expect(err.message).toContain("5.3, 5.4");
    expect(core.calls()).toHaveLength(0);
  });

  it("a failed negotiation is not remembered: the next call asks again", async () => {
    let fail = true;
    const core = await startCoreServer({
      versions: null,
      handler: (req, res) => {
        if (req.path === "/apiversion") {
          if (fail) {
            res.writeHead(500);
            res.end("down");
            return;
          }
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"versions":["5.4"]}');
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"status":"OK"}');
      },
    });
    opened.push(core);
    initWith(core.origin);
    await expect(callCore({ method: "get", path: "/recipe/x" })).rejects.toMatchObject({ status: 500, path: "/apiversion" });
    fail = false;
    await expect(callCore({ method: "get", path: "/recipe/x" })).resolves.toEqual({ status: "OK" });
    expect(core.apiVersionCount()).toBe(2);
  });
});
