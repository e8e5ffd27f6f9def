/**
 * The interceptor contract: whatever it returns is exactly what goes over the
 * wire, for every verb; it runs once per attempt on a fresh copy; a throw or an
 * invalid return fails the call with InterceptorError and sends nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callCore, InterceptorError } from "../../src/index.js";
import type { HttpRequest, NetworkInterceptor } from "../../src/types.js";
import { startCoreServer, type CoreServer } from "../helpers/coreServer.js";
import { refusedPort } from "../helpers/faults.js";
import { closeCorelens, initWith } from "../helpers/init.js";

const VERBS = ["get", "post", "put", "delete", "patch"] as const;

let core: CoreServer;
let other: CoreServer;
beforeAll(async () => {
  core = await startCoreServer();
  other = await startCoreServer();
});
afterEach(async () => {
  await closeCorelens();
  core.requests.length = 0;
  other.requests.length = 0;
});
afterAll(async () => {
  await core.close();
  await other.close();
});

function initIntercepting(interceptor: NetworkInterceptor | NetworkInterceptor[], hosts: string | string[] = core.origin) {
  initWith(hosts, { networkInterceptor: interceptor, cdiVersion: "5.4" });
}

describe("what the interceptor receives", () => {
  it("gets url, lower-case method, lower-case headers, params and body, plus the userContext", async () => {
    const seen: { req: HttpRequest; ctx: unknown }[] = [];
    initIntercepting((req, ctx) => {
      seen.push({ req: structuredClone(req), ctx });
      return req;
    });
    const userContext = { tenant: "acme" };
    await callCore({ method: "POST", path: "/<tenantId>/recipe/signup", pathParams: { tenantId: "t1" }, params: { a: 1 }, body: { email: "x@y.z" }, rid: "emailpassword" }, userContext);
    expect(seen).toHaveLength(1);
    const { req, ctx } = seen[0]!;
    expect(ctx).toBe(userContext);
    expect(req.url).toBe(`${core.origin}/t1/recipe/signup`);
    expect(req.method).toBe("post");
    expect(req.params).toEqual({ a: 1 });
    expect(req.body).toEqual({ email: "x@y.z" });
    expect(req.headers).toEqual({ "cdi-version": "5.4", rid: "emailpassword", "content-type": "application/json; charset=utf-8" });
  });

  it("runs for the /apiversion negotiation too", async () => {
    const urls: string[] = [];
    initWith(core.origin, { networkInterceptor: (req) => (urls.push(req.url), req) });
    await callCore({ method: "get", path: "/recipe/user" });
    expect(urls[0]).toBe(`${core.origin}/apiversion`);
    expect(urls[1]).toBe(`${core.origin}/recipe/user`);
    expect(core.apiVersionCount()).toBe(1);
  });
});

describe("what it returns is what is sent", () => {
  it("a GET turned into a POST is sent as a POST, with the body it added", async () => {
    initIntercepting((req) => ({ ...req, method: "POST" as never, body: { added: true } }));
    await callCore({ method: "get", path: "/recipe/user", params: { userId: "u1" } });
    const [sent] = core.calls();
    expect(sent!.method).toBe("POST");
    expect(sent!.json).toEqual({ added: true });
    expect(sent!.query.get("userId")).toBe("u1");
  });

  for (const from of VERBS) {
    const to = from === "put" ? "patch" : "put";
    it(`${from.toUpperCase()} → ${to.toUpperCase()}: method changed`, async () => {
      initIntercepting((req) => ({ ...req, method: to }));
      await callCore({ method: from, path: "/recipe/x" });
      expect(core.calls()[0]!.method).toBe(to.toUpperCase());
    });
  }

  it("the URL: another host and another path", async () => {
    initIntercepting((req) => ({ ...req, url: req.url.replace(core.origin, other.origin).replace("/recipe/a", "/recipe/b") }));
    await callCore({ method: "post", path: "/recipe/a", body: {} });
    expect(core.calls()).toHaveLength(0);
    expect(other.calls()[0]!.path).toBe("/recipe/b");
  });

  for (const verb of VERBS) {
    it(`${verb.toUpperCase()}: query params changed, and a query written into the URL is merged with params`, async () => {
      initIntercepting((req) => ({ ...req, url: req.url + "?fromUrl=1&both=url", params: { ...req.params, added: "yes", both: "params", dropped: undefined } }));
      await callCore({ method: verb, path: "/recipe/q", params: { original: "o", dropped: "d" }, body: verb === "get" ? undefined : { b: 1 } });
      const q = core.calls()[0]!.query;
      expect(Object.fromEntries(q)).toEqual({ fromUrl: "1", both: "params", original: "o", added: "yes" });
    });
  }

  it("headers: added, changed and removed (api-key can be removed, upper-case names are sent)", async () => {
    initWith(core.origin, {
      apiKey: "the-api-key-0123456789",
      cdiVersion: "5.4",
      networkInterceptor: (req) => {
        const { "api-key": _removed, ...rest } = req.headers;
        return { ...req, headers: { ...rest, "X-Tenant": "acme", "cdi-version": "5.3" } };
      },
    });
    await callCore({ method: "delete", path: "/recipe/h" });
    const h = core.calls()[0]!.headers;
    expect(h["x-tenant"]).toBe("acme");
    expect(h["cdi-version"]).toBe("5.3");
    expect(h["api-key"]).toBeUndefined();
  });

  for (const verb of VERBS) {
    it(`${verb.toUpperCase()}: body replaced; undefined body means no body`, async () => {
      let n = 0;
      initIntercepting((req) => ({ ...req, body: n++ === 0 ? { replaced: verb } : undefined }));
      await callCore({ method: verb, path: "/recipe/b", body: { original: true } });
      await callCore({ method: verb, path: "/recipe/b", body: { original: true } });
      const [first, second] = core.calls();
      expect(first!.json).toEqual({ replaced: verb });
      expect(second!.body).toBe("");
      expect(second!.headers["content-length"] ?? "0").toBe("0");
    });
  }

  it("an async interceptor (Promise) works", async () => {
    initIntercepting(async (req) => {
      await new Promise((r) => setTimeout(r, 5));
      return { ...req, headers: { ...req.headers, "x-async": "1" } };
    });
    await callCore({ method: "get", path: "/recipe/a" });
    expect(core.calls()[0]!.headers["x-async"]).toBe("1");
  });

  it("an array of interceptors runs in order, each seeing the previous one's output", async () => {
    const order: string[] = [];
    initIntercepting([
      (req) => (order.push("first"), { ...req, headers: { ...req.headers, "x-chain": "a" } }),
      (req) => (order.push("second:" + req.headers["x-chain"]), { ...req, headers: { ...req.headers, "x-chain": req.headers["x-chain"] + "b" } }),
    ]);
    await callCore({ method: "get", path: "/recipe/a" });
    expect(order).toEqual(["first", "second:a"]);
    expect(core.calls()[0]!.headers["x-chain"]).toBe("ab");
  });
});

describe("once per attempt, on a fresh copy", () => {
  it("failover: runs again for the next host with that host's URL, and earlier in-place changes are gone", async () => {
    const dead = `http://127.0.0.1:${await refusedPort()}`;
    const seen: HttpRequest[] = [];
    initIntercepting((req) => {
      seen.push(structuredClone(req));
      // Mutate everything in place: none of it may reach the next attempt.
      req.headers["x-count"] = String(Number(req.headers["x-count"] ?? 0) + 1);
      (req.body as { items: number[] }).items.push(99);
      req.params!.extra = "piled";
      return req;
    }, [dead, core.origin]);
    const body = { items: [1] };
    await callCore({ method: "post", path: "/recipe/a", params: { p: "1" }, body });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.url.startsWith(dead)).toBe(true);
    expect(seen[1]!.url.startsWith(core.origin)).toBe(true);
    expect(seen[1]!.headers["x-count"]).toBeUndefined();
    expect(seen[1]!.body).toEqual({ items: [1] });
    expect(seen[1]!.params).toEqual({ p: "1" });
    expect(body).toEqual({ items: [1] }); // the caller's object is untouched
    const sent = core.calls()[0]!;
    expect(sent.headers["x-count"]).toBe("1");
    expect(sent.json).toEqual({ items: [1, 99] });
  });

  it("429 retry: runs again per attempt", async () => {
    let n = 0;
    const limited = await startCoreServer({
      handler: (_req, res) => {
        if (n++ === 0) {
          res.writeHead(429, { "retry-after": "0" });
          res.end();
        } else {
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"status":"OK"}');
        }
      },
    });
    try {
      let calls = 0;
      initIntercepting((req) => (calls++, req), limited.origin);
      await callCore({ method: "get", path: "/recipe/a" });
      expect(calls).toBe(2);
      expect(limited.calls()).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });
});

describe("failures: InterceptorError, nothing sent, no failover", () => {
  it("a throw fails the call with InterceptorError carrying the cause; nothing is sent to any host", async () => {
    const cause = new Error("boom");
    let calls = 0;
    initIntercepting(() => {
      calls++;
      throw cause;
    }, [core.origin, other.origin]);
    const err = await callCore({ method: "post", path: "/recipe/a", body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterceptorError);
    expect((err as InterceptorError).cause).toBe(cause);
    expect((err as Error).message).toContain("boom");
    expect(calls).toBe(1); // not retried on the other host
    expect(core.calls()).toHaveLength(0);
    expect(other.calls()).toHaveLength(0);
  });

  it("a rejection is the same; a thrown non-Error is kept as the cause", async () => {
    initIntercepting(() => Promise.reject("plain string"));
    const err = await callCore({ method: "get", path: "/recipe/a" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterceptorError);
    expect((err as InterceptorError).cause).toBe("plain string");
    expect(core.calls()).toHaveLength(0);
  });

  it("the second interceptor of an array throwing is named by index", async () => {
    initIntercepting([(r) => r, () => { throw new Error("second"); }]);
    const err = (await callCore({ method: "get", path: "/recipe/a" }).catch((e: unknown) => e)) as InterceptorError;
    expect(err.index).toBe(1);
    expect(err.message).toContain("networkInterceptor[1]");
  });

  const invalid: [string, (req: HttpRequest) => unknown, RegExp][] = [
    ["undefined", () => undefined, /expected a request object, got undefined/],
    ["a string", () => "nope", /expected a request object, got string/],
    ["a relative URL", (r) => ({ ...r, url: "/recipe/a" }), /not an absolute URL/],
    ["a non-http URL", (r) => ({ ...r, url: "ftp://127.0.0.1/x" }), /must be http\(s\)/],
    ["an unknown method", (r) => ({ ...r, method: "options" }), /unknown method "options"/],
    ["a non-string header value", (r) => ({ ...r, headers: { ...r.headers, "x-n": 5 } }), /header "x-n" must be a string, got number/],
    ["a header value with a line break", (r) => ({ ...r, headers: { "x-a": "a\r\nx-b: b" } }), /line break/],
    ["missing headers", (r) => ({ ...r, headers: undefined }), /headers must be an object/],
    ["an object param", (r) => ({ ...r, params: { a: { b: 1 } } }), /params.a must be/],
    ["an unserialisable body", (r) => ({ ...r, body: { n: 1n } }), /cannot be serialised to JSON/],
  ];
  for (const [what, fn, message] of invalid) {
    it(`returning ${what} → InterceptorError saying so, nothing sent`, async () => {
      initIntercepting(fn as NetworkInterceptor);
      const err = await callCore({ method: "post", path: "/recipe/a", body: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InterceptorError);
      expect((err as Error).message).toMatch(message);
      expect(core.calls()).toHaveLength(0);
    });
  }

  it("upper-case methods are accepted back", async () => {
    initIntercepting((r) => ({ ...r, method: "DELETE" as never }));
    await callCore({ method: "get", path: "/recipe/a" });
    expect(core.calls()[0]!.method).toBe("DELETE");
  });

  it("a failing interceptor leaves the SDK working: the next call goes through", async () => {
    let fail = true;
    initIntercepting((r) => {
      if (fail) throw new Error("once");
      return r;
    });
    await expect(callCore({ method: "get", path: "/recipe/a" })).rejects.toBeInstanceOf(InterceptorError);
    fail = false;
    await expect(callCore({ method: "get", path: "/recipe/a" })).resolves.toEqual({ status: "OK" });
  });
});
