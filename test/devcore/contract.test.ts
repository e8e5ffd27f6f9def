/**
 * Contract: every route's answers (success and business errors) validate
 * against the CDI 5.3 spec. The check itself is tested first: it must reject
 * responses that break the spec, or passing it would prove nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exchange } from "../../src/devcore/server.js";
import { CdiContract } from "./helpers/contract.js";
import { call, expectCdiConformance, startObservedDevCore, type ObservedDevCore } from "./helpers/devcore.js";

describe("the contract check", () => {
  const contract = new CdiContract();
  const exchange = (method: string, path: string, status: number, body: unknown): Exchange => ({
    method,
    path,
    status,
    contentType: typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

  it("maps prefixed paths to their operation", () => {
    expect(contract.operationsFor("POST", "/appid-public/t1/recipe/signup").map((o) => o.template)).toEqual(["/appid-<appId>/<tenantId>/recipe/signup"]);
    expect(contract.operationsFor("GET", "/recipe/session").map((o) => o.template)).toEqual(["/appid-<appId>/recipe/session"]);
    expect(contract.operationsFor("POST", "/t1/recipe/session").map((o) => o.template)).toEqual(["/appid-<appId>/<tenantId>/recipe/session"]);
    expect(contract.operationsFor("GET", "/hello").map((o) => o.template)).toEqual(["/appid-<appId>/<tenantId>/hello"]);
  });

  it("rejects responses that break the spec", () => {
    const cookie = { token: "t", expiry: 1, createdTime: 1 };
    const session = { handle: "h", userId: "u", recipeUserId: "u", userDataInJWT: {}, tenantId: "public" };
    expect(contract.check(exchange("POST", "/recipe/session", 200, { status: "OK", session, accessToken: cookie, refreshToken: cookie }))).toBeUndefined();
    expect(contract.check(exchange("POST", "/recipe/session", 200, { status: "OK", session, accessToken: { ...cookie, token: 5 }, refreshToken: cookie }))).toMatch(/token/);
    expect(contract.check(exchange("POST", "/recipe/signup", 200, { status: "NOPE" }))).toBeDefined();
    expect(contract.check(exchange("GET", "/recipe/multitenancy/tenant/list/v2", 200, { status: "OK" }))).toMatch(/tenants/);
    expect(contract.check(exchange("GET", "/apiversion", 401, "Wrong key"))).toBeDefined();
    expect(contract.check(exchange("GET", "/apiversion", 401, "Invalid API key"))).toBeUndefined();
    expect(contract.check(exchange("GET", "/no/such/api", 200, { status: "OK" }))).toMatch(/no CDI operation/);
  });
});

describe("every route answers within the CDI contract", () => {
  let dc: ObservedDevCore;
  beforeAll(async () => {
    dc = await startObservedDevCore();
  });
  afterAll(async () => {
    await dc.core.close();
    expectCdiConformance(dc);
  });

  it("core APIs", async () => {
    expect((await call(dc.core, "GET", "/apiversion?apiDomain=http://localhost")).json).toEqual({ versions: ["5.3", "5.4"] });
    for (const m of ["GET", "POST", "PUT", "DELETE"]) expect((await call(dc.core, m, "/hello")).text).toBe("Hello");
    expect((await call(dc.core, "GET", "/")).text).toBe("Hello");
    const jwks = await call(dc.core, "GET", "/.well-known/jwks.json");
    expect(jwks.json.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: expect.stringMatching(/^d-\d+$/) });
    expect(jwks.headers.get("cache-control")).toMatch(/^max-age=\d+, must-revalidate$/);
    expect((await call(dc.core, "GET", "/recipe/jwt/jwks")).json).toEqual({ status: "OK", keys: jwks.json.keys });
  });

  it("email-password, users and metadata", async () => {
    const up = await call(dc.core, "POST", "/recipe/signup", { email: " Ann@Example.com", password: "pw-1" });
    expect(up.json).toMatchObject({ status: "OK", user: { emails: ["ann@example.com"], loginMethods: [{ recipeId: "emailpassword", email: "ann@example.com" }] } });
    const id = up.json.recipeUserId as string;
    expect((await call(dc.core, "POST", "/recipe/signup", { email: "ann@example.com", password: "x" })).json).toEqual({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
    expect((await call(dc.core, "POST", "/recipe/signin", { email: "ANN@example.com", password: "pw-1" })).json.user.id).toBe(id);
    expect((await call(dc.core, "POST", "/recipe/signin", { email: "ann@example.com", password: "pw-2" })).json).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    expect((await call(dc.core, "GET", `/user/id?userId=${id}`)).json.user.id).toBe(id);
    expect((await call(dc.core, "GET", "/user/id?userId=nobody")).json).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
    expect((await call(dc.core, "GET", `/recipe/user?userId=${id}`)).json.status).toBe("OK");
    expect((await call(dc.core, "GET", "/recipe/user?email=none@example.com")).json).toEqual({ status: "UNKNOWN_EMAIL_ERROR" });
    expect((await call(dc.core, "GET", "/users/by-accountinfo?email=ann@example.com&doUnionOfAccountInfo=true")).json.users).toHaveLength(1);
    expect((await call(dc.core, "GET", `/recipe/user/metadata?userId=${id}`)).json).toEqual({ status: "OK", metadata: {} });
    await call(dc.core, "PUT", "/recipe/user/metadata", { userId: id, metadataUpdate: { a: 1, b: { c: 2 } } });
    const merged = await call(dc.core, "PUT", "/recipe/user/metadata", { userId: id, metadataUpdate: { a: null, d: [1] } });
    expect(merged.json).toEqual({ status: "OK", metadata: { b: { c: 2 }, d: [1] } });
    expect((await call(dc.core, "POST", "/recipe/user/metadata/remove", { userId: id })).json).toEqual({ status: "OK" });
    expect((await call(dc.core, "GET", `/recipe/user/metadata?userId=${id}`)).json.metadata).toEqual({});
    expect((await call(dc.core, "POST", "/user/remove", { userId: id })).json).toEqual({ status: "OK" });
    expect((await call(dc.core, "GET", `/user/id?userId=${id}`)).json.status).toBe("UNKNOWN_USER_ID_ERROR");
  });

  it("sessions", async () => {
    const created = await call(dc.core, "POST", "/recipe/session", { userId: "u1", userDataInJWT: { role: "a" }, userDataInDatabase: { d: 1 }, enableAntiCsrf: false, useDynamicSigningKey: true });
    expect(created.json).toMatchObject({ status: "OK", session: { userId: "u1", recipeUserId: "u1", tenantId: "public", userDataInJWT: { role: "a" } } });
    const handle = created.json.session.handle as string;
    const at = created.json.accessToken.token as string;
    const verify = (token: string, checkDatabase = false) => call(dc.core, "POST", "/recipe/session/verify", { accessToken: token, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase });
    expect((await verify(at)).json).toMatchObject({ status: "OK", session: { handle } });
    expect((await verify(at, true)).json.accessToken).toBeUndefined();
    expect((await verify("a.b.c")).json.status).toBe("TRY_REFRESH_TOKEN");
    const info = await call(dc.core, "GET", `/recipe/session?sessionHandle=${handle}`);
    expect(info.json).toMatchObject({ status: "OK", sessionHandle: handle, userDataInDatabase: { d: 1 }, userDataInJWT: { role: "a" }, tenantId: "public" });
    expect((await call(dc.core, "GET", "/recipe/session?sessionHandle=missing")).json).toEqual({ status: "UNAUTHORISED", message: "Session does not exist." });
    expect((await call(dc.core, "PUT", "/recipe/session/data", { sessionHandle: handle, userDataInDatabase: { d: 2 } })).json).toEqual({ status: "OK" });
    expect((await call(dc.core, "GET", `/recipe/session/data?sessionHandle=${handle}`)).json.userDataInDatabase).toEqual({ d: 2 });
    expect((await call(dc.core, "PUT", "/recipe/jwt/data", { sessionHandle: handle, userDataInJWT: { role: "b" } })).json).toEqual({ status: "OK" });
    expect((await call(dc.core, "GET", `/recipe/jwt/data?sessionHandle=${handle}`)).json.userDataInJWT).toEqual({ role: "b" });
    // checkDatabase sees the changed payload and mints a token carrying it.
    const reminted = await verify(at, true);
    expect(reminted.json.accessToken.token).not.toBe(at);
    const regenerated = await call(dc.core, "POST", "/recipe/session/regenerate", { accessToken: at, userDataInJWT: { role: "c" } });
    expect(regenerated.json).toMatchObject({ status: "OK", session: { userDataInJWT: { role: "c" } }, accessToken: { expiry: created.json.accessToken.expiry } });
    const refreshed = await call(dc.core, "POST", "/recipe/session/refresh", { refreshToken: created.json.refreshToken.token, enableAntiCsrf: false, useDynamicSigningKey: true });
    expect(refreshed.json).toMatchObject({ status: "OK", session: { handle } });
    expect((await call(dc.core, "POST", "/recipe/session/refresh", { refreshToken: "junk", enableAntiCsrf: false, useDynamicSigningKey: true })).json.status).toBe("UNAUTHORISED");
    expect((await call(dc.core, "GET", "/recipe/session/user?userId=u1")).json).toEqual({ status: "OK", sessionHandles: [handle] });
    expect((await call(dc.core, "POST", "/recipe/session/remove", { sessionHandles: [handle, "other"] })).json).toEqual({ status: "OK", sessionHandlesRevoked: [handle] });
    expect((await call(dc.core, "POST", "/recipe/session/remove", { userId: "u1" })).json).toEqual({ status: "OK", sessionHandlesRevoked: [] });
    expect((await call(dc.core, "POST", "/recipe/session/refresh", { refreshToken: refreshed.json.refreshToken.token, enableAntiCsrf: false, useDynamicSigningKey: true })).json.status).toBe("UNAUTHORISED");
  });

  it("multitenancy", async () => {
    expect((await call(dc.core, "PUT", "/recipe/multitenancy/tenant/v2", { tenantId: "t1", firstFactors: ["emailpassword"] })).json).toEqual({ status: "OK", createdNew: true });
    expect((await call(dc.core, "PUT", "/recipe/multitenancy/tenant/v2", { tenantId: "t1", coreConfig: { x: 1 } })).json).toEqual({ status: "OK", createdNew: false });
    expect((await call(dc.core, "GET", "/t1/recipe/multitenancy/tenant/v2")).json).toEqual({
      status: "OK",
      tenantId: "t1",
      thirdParty: { providers: [] },
      firstFactors: ["emailpassword"],
      coreConfig: { x: 1 },
    });
    const list = await call(dc.core, "GET", "/recipe/multitenancy/tenant/list/v2");
    expect(list.json.tenants.map((t: { tenantId: string }) => t.tenantId)).toEqual(["public", "t1"]);
    const inT1 = await call(dc.core, "POST", "/t1/recipe/signup", { email: "t@example.com", password: "pw" });
    expect(inT1.json.user.tenantIds).toEqual(["t1"]);
    expect((await call(dc.core, "POST", "/recipe/signin", { email: "t@example.com", password: "pw" })).json.status).toBe("WRONG_CREDENTIALS_ERROR");
    const s = await call(dc.core, "POST", "/t1/recipe/session", { userId: inT1.json.recipeUserId, userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false });
    expect(s.json.session.handle).toMatch(/_t1$/);
    expect((await call(dc.core, "GET", `/t1/recipe/session/user?userId=${inT1.json.recipeUserId}&fetchAcrossAllTenants=false`)).json.sessionHandles).toEqual([s.json.session.handle]);
    expect((await call(dc.core, "POST", "/recipe/multitenancy/tenant/remove", { tenantId: "t1" })).json).toEqual({ status: "OK", didExist: true });
    expect((await call(dc.core, "POST", "/recipe/multitenancy/tenant/remove", { tenantId: "t1" })).json).toEqual({ status: "OK", didExist: false });
    expect((await call(dc.core, "GET", "/t1/recipe/multitenancy/tenant/v2")).json).toEqual({ status: "TENANT_NOT_FOUND_ERROR" });
    expect((await call(dc.core, "GET", `/recipe/session?sessionHandle=${s.json.session.handle}`)).json.status).toBe("UNAUTHORISED");
  });
});
