/** The per-request GET cache: keyed on userContext, invalidated by any non-GET, can be turned off. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callCore } from "../../src/index.js";
import { startCoreServer, sendJson, type CoreServer } from "../helpers/coreServer.js";
import { closeCorelens, initWith } from "../helpers/init.js";

let core: CoreServer;
let counter = 0;
beforeAll(async () => {
  core = await startCoreServer({ handler: (_req, res) => sendJson(res, 200, { status: "OK", n: ++counter }) });
});
afterEach(async () => {
  await closeCorelens();
  core.requests.length = 0;
});
afterAll(async () => {
  await core.close();
});

const getUser = (userContext?: object, userId = "u1") => callCore<{ n: number }>({ method: "get", path: "/recipe/user", params: { userId } }, userContext);

describe("GET cache", () => {
  it("the same GET within one userContext is sent once; another userContext or no userContext is not cached", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    const ctx = {};
    const first = await getUser(ctx);
    const again = await getUser(ctx);
    expect(again).toEqual(first);
    expect(core.calls()).toHaveLength(1);
    await getUser({});
    await getUser();
    await getUser();
    expect(core.calls()).toHaveLength(4);
  });

  it("different params are different entries", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    const ctx = {};
    await getUser(ctx, "u1");
    await getUser(ctx, "u2");
    await getUser(ctx, "u1");
    expect(core.calls()).toHaveLength(2);
  });

  it("params that would join to the same text are still different entries", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    const ctx = {};
    await callCore({ method: "get", path: "/recipe/user", params: { a: "1&b=2" } }, ctx);
    await callCore({ method: "get", path: "/recipe/user", params: { a: "1", b: "2" } }, ctx);
    expect(core.calls()).toHaveLength(2);
  });

  it("a cached answer is a fresh object: mutating it does not change the next hit", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    const ctx = {};
    const first = await getUser(ctx);
    const n = first.n;
    first.n = -1;
    expect((await getUser(ctx)).n).toBe(n);
  });

  it("any non-GET call invalidates it (in every userContext)", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    const ctx = {};
    const otherCtx = {};
    await getUser(ctx);
    await getUser(otherCtx);
    await callCore({ method: "put", path: "/recipe/user/metadata", body: {} }, otherCtx);
    await getUser(ctx);
    await getUser(otherCtx);
    expect(core.calls().map((r) => r.method)).toEqual(["GET", "GET", "PUT", "GET", "GET"]);
  });

  it("a GET answered while a write was running is not served from the cache afterwards", async () => {
    core.setHandler((req, res) => {
      const reply = () => sendJson(res, 200, { status: "OK", n: ++counter });
      if (req.method === "GET") setTimeout(reply, 150); // the read is slow...
      else reply(); // ...the write is fast and lands meanwhile
    });
    try {
      initWith(core.origin, { cdiVersion: "5.4" });
      const ctx = {};
      const slowRead = getUser(ctx);
      await new Promise((r) => setTimeout(r, 30));
      await callCore({ method: "post", path: "/recipe/user/metadata/remove", body: {} });
      await slowRead;
      await getUser(ctx); // the first answer may predate the write: must be asked again
      expect(core.calls().map((r) => r.method)).toEqual(["GET", "POST", "GET"]);
    } finally {
      core.setHandler((_req, res) => sendJson(res, 200, { status: "OK", n: ++counter }));
    }
  });

  it("disableCoreCallCache: every GET is sent", async () => {
    initWith(core.origin, { cdiVersion: "5.4", disableCoreCallCache: true });
    const ctx = {};
    await getUser(ctx);
    await getUser(ctx);
    expect(core.calls()).toHaveLength(2);
  });

  it("a hit does not run the interceptor (nothing is sent)", async () => {
    let runs = 0;
    initWith(core.origin, { cdiVersion: "5.4", networkInterceptor: (r) => (runs++, r) });
    const ctx = {};
    await getUser(ctx);
    await getUser(ctx);
    expect(runs).toBe(1);
  });

  it("errors are not cached", async () => {
    let fail = true;
    core.setHandler((_req, res) => {
      if (fail) {
        res.writeHead(500);
        res.end("x");
      } else sendJson(res, 200, { status: "OK", n: ++counter });
    });
    try {
      initWith(core.origin, { cdiVersion: "5.4" });
      const ctx = {};
      await expect(getUser(ctx)).rejects.toMatchObject({ status: 500 });
      fail = false;
      await expect(getUser(ctx)).resolves.toMatchObject({ status: "OK" });
      expect(core.calls()).toHaveLength(2);
    } finally {
      core.setHandler((_req, res) => sendJson(res, 200, { status: "OK", n: ++counter }));
    }
  });
});
