/**
 * The querier's fast paths (memoised URL parsing, the query serialised without URLSearchParams,
 * synchronous interceptor chains without promises, the body-collecting undici handler) must
 * send and read exactly what the general paths did.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callCore, CoreUnavailableError, InterceptorError } from "../../src/index.js";
import type { NetworkInterceptor } from "../../src/types.js";
import { startCoreServer, type CoreServer } from "../helpers/coreServer.js";
import { closeCorelens, initWith } from "../helpers/init.js";

let core: CoreServer;
beforeAll(async () => {
  core = await startCoreServer();
});
afterEach(async () => {
  await closeCorelens();
  core.requests.length = 0;
  core.setHandler((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"OK"}');
  });
});
afterAll(async () => {
  await core.close();
});

const keep: NetworkInterceptor = (req) => req;

describe("query string after an interceptor", () => {
  const params = { plain: "abc-_.*", spaced: "a b", marks: "!~'()", unicode: "é😀", amp: "x&y=z", pct: "%20", lone: "\uD800", n: 12, t: true };

  function expectedPath(url: string): string {
    const u = new URL(url);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
    return u.pathname + u.search;
  }

  it("is the URLSearchParams serialisation, byte for byte, with or without a query in the URL", async () => {
    initWith(core.origin, { cdiVersion: "5.4", networkInterceptor: keep });
    await callCore({ method: "get", path: "/recipe/user", params });
    await callCore({ method: "get", path: "/recipe/user", params });
    initWith(core.origin, { cdiVersion: "5.4", networkInterceptor: (req) => ({ ...req, url: req.url + "?x=1&plain=old" }) });
    await callCore({ method: "get", path: "/recipe/user", params });
    const urls = core.calls().map((r) => r.url);
    expect(urls[0]).toBe(expectedPath(`${core.origin}/recipe/user`));
    expect(urls[1]).toBe(urls[0]);
    expect(urls[2]).toBe(expectedPath(`${core.origin}/recipe/user?x=1&plain=old`));
    expect(urls[0]).toContain("spaced=a+b");
    expect(urls[0]).toContain("marks=%21%7E%27%28%29");
  });

  it("a URL that does not parse is still refused, every time", async () => {
    initWith(core.origin, { cdiVersion: "5.4", networkInterceptor: (req) => ({ ...req, url: "not a url" }) });
    for (let i = 0; i < 2; i++) {
      await expect(callCore({ method: "get", path: "/recipe/user" })).rejects.toThrow(/is not an absolute URL/);
    }
    expect(core.calls()).toHaveLength(0);
  });
});

describe("interceptor chains mixing synchronous and async interceptors", () => {
  it("run in order, each seeing the previous output", async () => {
    const order: string[] = [];
    initWith(core.origin, {
      cdiVersion: "5.4",
      networkInterceptor: [
        (req) => (order.push("sync1"), { ...req, headers: { ...req.headers, "x-a": "1" } }),
        async (req) => (order.push("async2:" + req.headers["x-a"]), { ...req, headers: { ...req.headers, "x-b": "2" } }),
        (req) => (order.push("sync3:" + req.headers["x-b"]), req),
      ],
    });
    await callCore({ method: "get", path: "/recipe/user" });
    expect(order).toEqual(["sync1", "async2:1", "sync3:2"]);
    expect(core.calls()[0]!.headers).toMatchObject({ "x-a": "1", "x-b": "2" });
  });

  it("a synchronous throw after an async interceptor is an InterceptorError naming its index; nothing is sent", async () => {
    initWith(core.origin, {
      cdiVersion: "5.4",
      networkInterceptor: [
        async (req) => req,
        () => {
          throw new Error("boom");
        },
      ],
    });
    const err = await callCore({ method: "get", path: "/recipe/user" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterceptorError);
    expect((err as Error).message).toContain("networkInterceptor[1] threw: boom");
    expect(core.calls()).toHaveLength(0);
  });
});

describe("reading the answer", () => {
  it("a body sent in several chunks, with a UTF-8 BOM, reads as undici's text() would", async () => {
    core.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(Buffer.from([0xef, 0xbb, 0xbf]));
      res.write('{"status":"OK","name":"');
      // A multi-byte character split across two chunks.
      const e = Buffer.from("é");
      res.write(e.subarray(0, 1));
      setTimeout(() => res.end(Buffer.concat([e.subarray(1), Buffer.from('"}')])), 20);
    });
    initWith(core.origin, { cdiVersion: "5.4" });
    await expect(callCore({ method: "get", path: "/recipe/user" })).resolves.toEqual({ status: "OK", name: "é" });
  });

  it("an empty 200 text body reads as an empty string, not a hang", async () => {
    core.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": "0" }).end();
    });
    initWith(core.origin, { cdiVersion: "5.4" });
    await expect(callCore({ method: "get", path: "/recipe/user" })).resolves.toBe("");
  });

  it("a connection that breaks after the headers is a failure of that host, not a half answer", async () => {
    core.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"status":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    initWith(core.origin, { cdiVersion: "5.4" });
    await expect(callCore({ method: "post", path: "/recipe/user", body: {} })).rejects.toBeInstanceOf(CoreUnavailableError);
  });
});

describe("connection reuse", () => {
  it("callers that each wait for their answer before the next call reuse the same connections", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    const before = core.connectionsAccepted();
    const callers = 8;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        for (let i = 0; i < 25; i++) await callCore({ method: "get", path: "/recipe/user" });
      }),
    );
    expect(core.calls()).toHaveLength(callers * 25);
    // Never more sockets than calls in flight: an answer is handed over only once undici has freed its connection.
    expect(core.connectionsAccepted() - before).toBeLessThanOrEqual(callers);
  });
});
