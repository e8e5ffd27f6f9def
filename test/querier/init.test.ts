/** init(): config checked with errors naming the field, re-init replaces cleanly, close(), the registry, callCore. */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Agent, type Dispatcher } from "undici";
import corelens, { callCore, ConfigError, NotInitialisedError } from "../../src/index.js";
import { getRecipeInstance } from "../../src/recipe/registry.js";
import type { RecipeContext, RecipeFactory } from "../../src/recipe/types.js";
import type { InitInput } from "../../src/types.js";
import { startCoreServer } from "../helpers/coreServer.js";
import { TEST_APP_INFO } from "../helpers/init.js";

const core = await startCoreServer();
afterEach(async () => {
  await corelens.close();
  core.requests.length = 0;
});
afterAll(async () => {
  await core.close();
});

const valid = (): InitInput => ({ supertokens: { connectionURI: core.origin }, appInfo: { ...TEST_APP_INFO }, recipeList: [] });

function configError(mutate: (c: any) => void): ConfigError {
  const c: any = valid();
  mutate(c);
  try {
    corelens.init(c);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("init accepted a bad config");
}

describe("bad config fails at init, naming the field", () => {
  const cases: [string, (c: any) => void, string, RegExp][] = [
    ["unparsable host", (c) => (c.supertokens.connectionURI = `${core.origin};http://[bad`), "supertokens.connectionURI", /cannot be parsed: "http:\/\/\[bad"/],
    ["host without scheme", (c) => (c.supertokens.connectionURI = "localhost:3567"), "supertokens.connectionURI", /not http\(s\)/],
    ["empty connectionURI", (c) => (c.supertokens.connectionURI = " ; "), "supertokens.connectionURI", /no host/],
    ["missing connectionURI", (c) => delete c.supertokens.connectionURI, "supertokens.connectionURI", /non-empty string/],
    ["credentials in the URI", (c) => (c.supertokens.connectionURI = "http://user:pw@127.0.0.1:1"), "supertokens.connectionURI", /credentials/],
    ["missing supertokens", (c) => delete c.supertokens, "supertokens", /must be an object/],
    ["missing appInfo", (c) => delete c.appInfo, "appInfo", /must be an object/],
    ["missing appInfo.appName", (c) => delete c.appInfo.appName, "appInfo.appName", /is required/],
    ["missing appInfo.apiDomain", (c) => delete c.appInfo.apiDomain, "appInfo.apiDomain", /is required/],
    ["missing appInfo.websiteDomain", (c) => (c.appInfo.websiteDomain = ""), "appInfo.websiteDomain", /is required/],
    ["interceptor not a function", (c) => (c.supertokens.networkInterceptor = "log"), "supertokens.networkInterceptor", /must be a function/],
    ["interceptor array with a non-function", (c) => (c.supertokens.networkInterceptor = [() => ({}), {}]), "supertokens.networkInterceptor[1]", /must be a function/],
    ["bad cdiVersion", (c) => (c.supertokens.cdiVersion = "v5"), "supertokens.cdiVersion", /"5.4"/],
    ["negative timeout", (c) => (c.supertokens.requestTimeoutMs = -1), "supertokens.requestTimeoutMs", /positive/],
    ["fractional maxRetries", (c) => (c.supertokens.maxRetries = 1.5), "supertokens.maxRetries", /whole number/],
    ["non-dispatcher", (c) => (c.supertokens.dispatcher = {}), "supertokens.dispatcher", /undici Dispatcher/],
    ["recipeList not an array", (c) => (c.recipeList = {}), "recipeList", /array/],
    ["recipeList entry not a recipe", (c) => (c.recipeList = [() => {}]), "recipeList[0]", /not a recipe/],
  ];
  for (const [what, mutate, field, message] of cases) {
    it(what, () => {
      const err = configError(mutate);
      expect(err.field).toBe(field);
      expect(err.message).toMatch(message);
      expect(err.message).toContain(field);
    });
  }

  it("a bad apiKey is named but never echoed", () => {
    const err = configError((c) => (c.supertokens.apiKey = 1234567890123));
    expect(err.field).toBe("supertokens.apiKey");
    expect(err.message).not.toContain("1234567890123");
  });

  it("a bad re-init leaves the previous init working", async () => {
    corelens.init({ ...valid(), supertokens: { connectionURI: core.origin, cdiVersion: "5.4" } });
    configError((c) => (c.appInfo = undefined));
    await expect(callCore({ method: "get", path: "/recipe/x" })).resolves.toEqual({ status: "OK" });
  });
});

describe("lifecycle", () => {
  it("before init: calls fail with 'call corelens.init() first'", async () => {
    await expect(callCore({ method: "get", path: "/recipe/x" })).rejects.toThrow(/call corelens.init\(\) first/);
    expect(() => getRecipeInstance("session", "Session")).toThrow(NotInitialisedError);
  });

  it("init again replaces the config (new host) and closes the old connection pool", async () => {
    const second = await startCoreServer();
    try {
      corelens.init({ ...valid(), supertokens: { connectionURI: core.origin, cdiVersion: "5.4" } });
      await callCore({ method: "get", path: "/recipe/x" });
      expect(core.openConnections()).toBe(1); // kept alive
      corelens.init({ ...valid(), supertokens: { connectionURI: second.origin, cdiVersion: "5.4" } });
      await callCore({ method: "get", path: "/recipe/x" });
      expect(second.calls()).toHaveLength(1);
      expect(core.calls()).toHaveLength(1);
      await expect.poll(() => core.openConnections(), { timeout: 3_000 }).toBe(0);
    } finally {
      await second.close();
    }
  });

  it("close() forgets the init and closes the pool", async () => {
    corelens.init({ ...valid(), supertokens: { connectionURI: core.origin, cdiVersion: "5.4" } });
    await callCore({ method: "get", path: "/recipe/x" });
    await corelens.close();
    await expect.poll(() => core.openConnections(), { timeout: 3_000 }).toBe(0);
    await expect(callCore({ method: "get", path: "/recipe/x" })).rejects.toBeInstanceOf(NotInitialisedError);
  });

  it("connections are pooled and kept alive: 21 requests in a row reuse a connection or two", async () => {
    const fresh = await startCoreServer();
    try {
      corelens.init({ ...valid(), supertokens: { connectionURI: fresh.origin } });
      for (let i = 0; i < 20; i++) await callCore({ method: i % 2 ? "get" : "post", path: "/recipe/x", body: i % 2 ? undefined : { i } });
      expect(fresh.requests).toHaveLength(21); // with /apiversion
      // undici's pool may open a second socket when one has not signalled "drained" yet; never one per request.
      expect(fresh.connectionsAccepted()).toBeLessThanOrEqual(2);
    } finally {
      await corelens.close();
      await fresh.close();
    }
  });

  it("defaults: connect timeout 10 s, request timeout 30 s, 5 retries on 429, Retry-After capped at 10 s, cache on", async () => {
    const { normaliseConfig } = await import("../../src/config/normalise.js");
    expect(normaliseConfig(valid(), {}).querier).toMatchObject({
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxRetries: 5,
      maxRetryAfterMs: 10_000,
      cacheEnabled: true,
      debugSink: undefined,
    });
  });

  it("a user's own dispatcher is used for every request and never closed by corelens", async () => {
    const paths: string[] = [];
    const base = new Agent();
    const dispatcher: Dispatcher = base.compose((dispatch) => (opts, handler) => {
      paths.push(String(opts.path));
      return dispatch(opts, handler);
    });
    try {
      corelens.init({ ...valid(), supertokens: { connectionURI: core.origin, dispatcher } });
      await callCore({ method: "get", path: "/recipe/x" });
      expect(paths).toEqual([expect.stringMatching(/^\/apiversion\?/), "/recipe/x"]);
      await corelens.close();
      expect(base.closed).toBe(false);
    } finally {
      await base.close();
    }
  });
});

describe("recipe registry", () => {
  interface Probe {
    ctx: RecipeContext;
  }
  const probe = (recipeId: string): RecipeFactory<Probe> => ({ recipeId, build: (ctx) => ({ ctx }) });

  it("builds each recipe once with the querier and normalised appInfo, found by id", async () => {
    corelens.init({
      ...valid(),
      appInfo: { appName: "a", apiDomain: "api.example.com", websiteDomain: "localhost:3000", apiBasePath: "custom/" },
      supertokens: { connectionURI: core.origin, cdiVersion: "5.4" },
      recipeList: [probe("one"), probe("two")],
    });
    const one = getRecipeInstance<Probe>("one", "One");
    expect(one.ctx.appInfo).toEqual({ appName: "a", apiDomain: "https://api.example.com", websiteDomain: "http://localhost:3000", apiBasePath: "/custom", websiteBasePath: "/auth" });
    await expect(one.ctx.querier.call({ method: "get", path: "/recipe/x" })).resolves.toEqual({ status: "OK" });
    expect(getRecipeInstance<Probe>("two", "Two")).not.toBe(one);
  });

  it("a recipe missing from recipeList: 'add X.init() to recipeList'", () => {
    corelens.init(valid());
    expect(() => getRecipeInstance("session", "Session")).toThrow(/add Session.init\(\) to recipeList/);
  });

  it("a repeated recipe is a config error; a throwing factory leaves the previous init in place", () => {
    expect(configError((c) => (c.recipeList = [probe("x"), probe("x")])).field).toBe("recipeList[1]");
    corelens.init({ ...valid(), recipeList: [probe("kept")] });
    const boom: RecipeFactory = { recipeId: "boom", build: () => { throw new Error("factory failed"); } };
    expect(() => corelens.init({ ...valid(), recipeList: [boom] })).toThrow("factory failed");
    expect(getRecipeInstance<Probe>("kept", "Kept")).toBeDefined();
  });
});

describe("callCore", () => {
  it("sends any method (any case), path with placeholders, params and body through the pipeline", async () => {
    corelens.init({ ...valid(), supertokens: { connectionURI: `${core.origin}/appid-a`, cdiVersion: "5.4" } });
    await callCore({ method: "PATCH", path: "/<tenantId>/recipe/thing", pathParams: { tenantId: "t" }, params: { x: 1 }, body: { y: 2 } });
    const [req] = core.calls();
    expect(req).toMatchObject({ method: "PATCH", url: "/appid-a/t/recipe/thing?x=1", json: { y: 2 } });
  });

  it("a query string in the path is kept and merged with params", async () => {
    corelens.init({ ...valid(), supertokens: { connectionURI: core.origin, cdiVersion: "5.4" } });
    await callCore({ method: "get", path: "/recipe/user?email=a%40b.c", params: { x: 1 } });
    expect(core.calls()[0]!.url).toBe("/recipe/user?email=a%40b.c&x=1");
  });

  it("rejects a bad method or path with a TypeError", async () => {
    corelens.init(valid());
    await expect(callCore({ method: "options" as never, path: "/x" })).rejects.toThrow(/method must be/);
    await expect(callCore({ method: "get", path: "" })).rejects.toThrow(/path must be/);
    await expect(callCore({ method: "get", path: "/<tenantId>/x" })).rejects.toThrow(/needs pathParams.tenantId/);
  });
});
