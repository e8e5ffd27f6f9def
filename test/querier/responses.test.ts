import { inspect } from "node:util";
/** Headers on the wire, response parsing, CoreError, debug lines, and the API key never leaking. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callCore, CoreError, CoreUnavailableError, InterceptorError } from "../../src/index.js";
import { startCoreServer, sendJson, sendText, type CoreServer } from "../helpers/coreServer.js";
import { faults, refusedPort } from "../helpers/faults.js";
import { closeCorelens, initWith } from "../helpers/init.js";

const API_KEY = "secret-key-0123456789-ABCDEFG";
let core: CoreServer;
beforeAll(async () => {
  core = await startCoreServer({
    handler: (req, res) => {
      switch (req.path) {
        case "/text":
          return sendText(res, 200, "Hello");
        case "/invalid":
          return faults.invalidJson(req, res);
        case "/unknown":
          return sendText(res, 400, "Field name 'userId' is missing in GET request");
        case "/echo-key":
          return sendText(res, 401, `Invalid API key ${String(req.headers["api-key"])}`);
        default:
          return sendJson(res, 200, { status: "OK", path: req.path });
      }
    },
  });
});
afterEach(async () => {
  await closeCorelens();
  core.requests.length = 0;
});
afterAll(async () => {
  await core.close();
});

describe("headers", () => {
  it("api-key and cdi-version always; rid only on recipe paths; content-type only with a body", async () => {
    initWith(core.origin, { apiKey: API_KEY, cdiVersion: "5.4" });
    await callCore({ method: "post", path: "/<tenantId>/recipe/signup", pathParams: { tenantId: "public" }, body: { a: 1 }, rid: "emailpassword" });
    await callCore({ method: "get", path: "/recipe/user", rid: "emailpassword" });
    await callCore({ method: "get", path: "/user/id", rid: "emailpassword" });
    const [signup, recipeGet, plain] = core.calls();
    expect(signup!.headers).toMatchObject({ "api-key": API_KEY, "cdi-version": "5.4", rid: "emailpassword", "content-type": "application/json; charset=utf-8" });
    expect(signup!.json).toEqual({ a: 1 });
    expect(recipeGet!.headers.rid).toBe("emailpassword");
    expect(recipeGet!.headers["content-type"]).toBeUndefined();
    expect(plain!.headers.rid).toBeUndefined();
    expect(plain!.headers["api-key"]).toBe(API_KEY);
  });

  it("no api-key header without an apiKey; undefined params are left out of the query", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    await callCore({ method: "delete", path: "/recipe/x", params: { a: "1", b: undefined, c: true, d: 2 } });
    const [req] = core.calls();
    expect(req!.headers["api-key"]).toBeUndefined();
    expect(req!.url).toBe("/recipe/x?a=1&c=true&d=2");
  });
});

describe("responses", () => {
  it("200 JSON is parsed; text is returned as text", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    await expect(callCore({ method: "get", path: "/recipe/x" })).resolves.toEqual({ status: "OK", path: "/recipe/x" });
    await expect(callCore({ method: "get", path: "/text" })).resolves.toBe("Hello");
  });

  it("a non-200 throws CoreError with status, method, path and the core's message", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    const err = (await callCore({ method: "get", path: "/unknown", params: { q: "1" } }).catch((e: unknown) => e)) as CoreError;
    expect(err).toBeInstanceOf(CoreError);
    expect(err).toMatchObject({ status: 400, method: "GET", path: "/unknown", coreMessage: "Field name 'userId' is missing in GET request", host: core.origin });
    expect(err.message).toContain("400");
    expect(err.message).toContain("GET /unknown");
  });

  it("a 200 whose body is not valid JSON throws a CoreError that says so", async () => {
    initWith(core.origin, { cdiVersion: "5.4" });
    const err = (await callCore({ method: "get", path: "/invalid" }).catch((e: unknown) => e)) as CoreError;
    expect(err).toBeInstanceOf(CoreError);
    expect(err.status).toBe(200);
    expect(err.message).toMatch(/not valid JSON/);
  });
});

describe("the API key never leaks", () => {
  it("not in a CoreError even when the core echoes it", async () => {
    initWith(core.origin, { apiKey: API_KEY, cdiVersion: "5.4" });
    const err = (await callCore({ method: "get", path: "/echo-key" }).catch((e: unknown) => e)) as CoreError;
    expect(err.status).toBe(401);
    expect(err.message).not.toContain(API_KEY);
    expect(err.coreMessage).not.toContain(API_KEY);
    expect(err.message).toContain("[redacted]");
  });

  it("not in CoreUnavailableError, InterceptorError, or any debug line", async () => {
    const lines: string[] = [];
    const dead = `http://127.0.0.1:${await refusedPort()}`;
    initWith([dead], { apiKey: API_KEY, cdiVersion: "5.4" }, { debug: (l) => lines.push(l) });
    const unavailable = await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e);
    expect(unavailable).toBeInstanceOf(CoreUnavailableError);
    expect(String((unavailable as Error).message)).not.toContain(API_KEY);

    await closeCorelens();
    initWith(core.origin, {
      apiKey: API_KEY,
      cdiVersion: "5.4",
      networkInterceptor: (req) => {
        throw new Error(`rejecting key ${req.headers["api-key"]}`);
      },
    });
    const intercepted = await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e);
    expect(intercepted).toBeInstanceOf(InterceptorError);
    expect((intercepted as Error).message).not.toContain(API_KEY);
    // console.error / util.inspect print the whole cause chain, stacks included.
    expect(inspect(intercepted)).not.toContain(API_KEY);
    expect(inspect(intercepted)).toContain("rejecting key [redacted]");

    await closeCorelens();
    initWith(core.origin, { apiKey: API_KEY }, { debug: (l) => lines.push(l) });
    await callCore({ method: "post", path: "/recipe/x", body: { password: "pw" }, params: { email: "a@b.c" } });
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain(API_KEY);
      expect(line).not.toContain("a@b.c");
      expect(line).not.toContain("pw");
    }
  });
});

describe("debug logging", () => {
  it("debug: true / a function: one line per request with method, path, status, ms, attempt and host", async () => {
    const lines: string[] = [];
    const dead = `http://127.0.0.1:${await refusedPort()}`;
    initWith([dead, core.origin], {}, { debug: (l) => lines.push(l) });
    await callCore({ method: "get", path: "/recipe/x", params: { userId: "u" } });
    expect(lines).toHaveLength(3); // /apiversion refused, /apiversion on the next host, then the call
    expect(lines[0]).toMatch(new RegExp(`^corelens core-call GET /apiversion error=ECONNREFUSED ms=\\d+\\.\\d attempt=1 host=${dead}$`));
    expect(lines[1]).toMatch(new RegExp(`^corelens core-call GET /apiversion status=200 ms=\\d+\\.\\d attempt=2 host=${core.origin}$`));
    expect(lines[2]).toMatch(new RegExp(`^corelens core-call GET /recipe/x status=200 ms=\\d+\\.\\d attempt=1 host=${core.origin}$`));
  });

  it("DEBUG=corelens (or *) turns it on, debug: false wins, off by default", async () => {
    const { normaliseConfig } = await import("../../src/config/normalise.js");
    const base = { supertokens: { connectionURI: core.origin }, appInfo: { appName: "a", apiDomain: "http://x", websiteDomain: "http://y" } };
    expect(normaliseConfig(base, { DEBUG: "express,corelens" }).querier.debugSink).toBeTypeOf("function");
    expect(normaliseConfig(base, { DEBUG: "*" }).querier.debugSink).toBeTypeOf("function");
    expect(normaliseConfig(base, {}).querier.debugSink).toBeUndefined();
    expect(normaliseConfig({ ...base, debug: false }, { DEBUG: "corelens" }).querier.debugSink).toBeUndefined();
  });
});
