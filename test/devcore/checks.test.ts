/** The core's request checks, with its status codes and texts. */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectCdiConformance, startObservedDevCore, type ObservedDevCore } from "./helpers/devcore.js";

const KEY = "checks-test-key-0123456789";
const OTHER_KEY = "second-valid-key-9876543210";

let dc: ObservedDevCore;
let open: ObservedDevCore;
const withKey = { "api-key": KEY };

beforeAll(async () => {
  dc = await startObservedDevCore({ apiKeys: [KEY, OTHER_KEY] });
  open = await startObservedDevCore();
});
afterAll(async () => {
  await dc.core.close();
  await open.core.close();
  expectCdiConformance(dc, open);
});

describe("API key", () => {
  it("accepts the api-key header, Authorization: Bearer, and any configured key", async () => {
    expect((await call(dc.core, "GET", "/apiversion", undefined, withKey)).status).toBe(200);
    expect((await call(dc.core, "GET", "/apiversion", undefined, { authorization: `Bearer ${KEY}` })).status).toBe(200);
    expect((await call(dc.core, "GET", "/apiversion", undefined, { authorization: `bearer  ${OTHER_KEY} ` })).status).toBe(200);
    expect((await call(dc.core, "GET", "/user/id?userId=x", undefined, { "api-key": OTHER_KEY })).status).toBe(200);
  });

  it("refuses a missing or wrong key with 401 Invalid API key", async () => {
    const attempts: Array<Record<string, string>> = [{}, { "api-key": "wrong" }, { authorization: "Bearer wrong" }, { "api-key": KEY + "x" }];
    for (const headers of attempts) {
      const res = await call(dc.core, "POST", "/recipe/signup", { email: "a@b.c", password: "p" }, headers);
      expect(res.status).toBe(401);
      expect(res.text).toBe("Invalid API key");
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    }
    expect((await call(dc.core, "GET", "/recipe/user?email=a@b.c", undefined, withKey)).json.status).toBe("UNKNOWN_EMAIL_ERROR");
  });

  it("does not ask for a key on /hello, / and the JWKS", async () => {
    expect((await call(dc.core, "GET", "/hello")).text).toBe("Hello");
    expect((await call(dc.core, "GET", "/")).text).toBe("Hello");
    expect((await call(dc.core, "GET", "/.well-known/jwks.json")).status).toBe(200);
    expect((await call(dc.core, "GET", "/recipe/jwt/jwks")).status).toBe(401);
  });

  it("never echoes the key in an answer", async () => {
    const res = await call(dc.core, "GET", "/apiversion", undefined, { "api-key": "secret-looking-wrong-key" });
    expect(res.text).not.toContain("secret-looking");
  });
});

describe("cdi-version", () => {
  it("treats a missing header as the latest and accepts 5.3 and 5.4", async () => {
    for (const v of [undefined, "5.3", "5.4"]) {
      const res = await call(open.core, "GET", "/user/id?userId=x", undefined, v ? { "cdi-version": v } : {});
      expect(res.json).toEqual({ status: "UNKNOWN_USER_ID_ERROR" });
    }
  });

  it("refuses unparsable and unsupported versions with the core's texts", async () => {
    expect(await call(open.core, "GET", "/user/id?userId=x", undefined, { "cdi-version": "five" })).toMatchObject({ status: 400, text: "cdi-version header is invalid" });
    expect(await call(open.core, "GET", "/user/id?userId=x", undefined, { "cdi-version": "9.9" })).toMatchObject({ status: 400, text: "cdi-version 9.9 not supported" });
  });

  it("is ignored by /apiversion, /hello and the JWKS", async () => {
    for (const path of ["/apiversion", "/hello", "/.well-known/jwks.json"]) {
      expect((await call(open.core, "GET", path, undefined, { "cdi-version": "nonsense" })).status).toBe(200);
    }
  });
});

describe("paths, tenants and apps", () => {
  it("serves every API with and without the /appid-<appId> and /<tenantId> prefixes", async () => {
    expect((await call(open.core, "GET", "/appid-public/public/hello")).text).toBe("Hello");
    expect((await call(open.core, "GET", "/appid-public/apiversion")).status).toBe(200);
    expect((await call(open.core, "POST", "/appid-public/public/recipe/signup", { email: "p@x.y", password: "p" })).json.status).toBe("OK");
    expect((await call(open.core, "POST", "/public/recipe/signin", { email: "p@x.y", password: "p" })).json.status).toBe("OK");
    expect((await call(open.core, "GET", "/recipe/multitenancy/tenant/list/v2/")).status).toBe(200);
  });

  it("answers an unknown tenant or app with the core's 400", async () => {
    const res = await call(open.core, "POST", "/nosuchtenant/recipe/signup", { email: "a@b.c", password: "p" });
    expect(res.status).toBe(400);
    expect(res.text).toBe("AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, nosuchtenant)");
    const app = await call(open.core, "GET", "/appid-other/recipe/session?sessionHandle=x");
    expect(app.status).toBe(400);
    expect(app.text).toContain("(, other, public)");
    expect((await call(open.core, "GET", "/nosuchtenant/")).status).toBe(404);
  });

  it("lets only the public tenant call app-wide APIs", async () => {
    await call(open.core, "PUT", "/recipe/multitenancy/tenant/v2", { tenantId: "t2" });
    const res = await call(open.core, "GET", "/t2/recipe/multitenancy/tenant/list/v2");
    expect(res).toMatchObject({ status: 403, text: "Only public tenantId can call this app specific API" });
    expect((await call(open.core, "GET", "/t2/recipe/multitenancy/tenant/v2")).json.tenantId).toBe("t2");
  });

  it("answers unknown paths with 404 and wrong methods with 405", async () => {
    expect(await call(open.core, "GET", "/recipe/nothing-here")).toMatchObject({ status: 404, text: "Not found" });
    expect(await call(open.core, "GET", "/a/b/c/d")).toMatchObject({ status: 404, text: "Not found" });
    expect(await call(open.core, "DELETE", "/recipe/signup")).toMatchObject({ status: 405, text: "Method not supported" });
    expect(await call(open.core, "POST", "/apiversion")).toMatchObject({ status: 405, text: "Method not supported" });
  });
});

describe("bodies and fields", () => {
  it("answers bad JSON with 400 Invalid Json Input", async () => {
    for (const body of ["{", "", "[]", "42", "null", '"s"', "{'a':1}"]) {
      expect(await call(open.core, "POST", "/recipe/signup", body)).toMatchObject({ status: 400, text: "Invalid Json Input" });
    }
  });

  it("names a missing or mistyped field", async () => {
    const field = (name: string) => `Field name '${name}' is invalid in JSON input`;
    expect(await call(open.core, "POST", "/recipe/signup", { password: "p" })).toMatchObject({ status: 400, text: field("email") });
    expect(await call(open.core, "POST", "/recipe/signup", { email: 5, password: "p" })).toMatchObject({ status: 400, text: field("email") });
    expect(await call(open.core, "POST", "/recipe/signin", { email: "a@b.c", password: ["p"] })).toMatchObject({ status: 400, text: field("password") });
    const session = { userId: "u", userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false };
    expect(await call(open.core, "POST", "/recipe/session", { ...session, userDataInJWT: [] })).toMatchObject({ status: 400, text: field("userDataInJWT") });
    expect(await call(open.core, "POST", "/recipe/session", { ...session, enableAntiCsrf: "no" })).toMatchObject({ status: 400, text: field("enableAntiCsrf") });
    expect(await call(open.core, "POST", "/recipe/session", { ...session, userDataInJWT: { sub: "x" } })).toMatchObject({ status: 400, text: "The user payload contains protected field" });
    expect(await call(open.core, "POST", "/recipe/session/verify", { accessToken: "a.b.c" })).toMatchObject({ status: 400, text: field("doAntiCsrfCheck") });
    expect(await call(open.core, "PUT", "/recipe/user/metadata", { userId: "u", metadataUpdate: "x" })).toMatchObject({ status: 400, text: field("metadataUpdate") });
    expect(await call(open.core, "PUT", "/recipe/multitenancy/tenant/v2", { tenantId: "t3", firstFactors: [1] })).toMatchObject({ status: 400, text: field("firstFactors") });
    expect(await call(open.core, "POST", "/recipe/session/remove", { sessionHandles: "h" })).toMatchObject({ status: 400, text: field("sessionHandles") });
    expect(await call(open.core, "GET", "/recipe/user/metadata")).toMatchObject({ status: 400, text: "Field name 'userId' is missing in GET request" });
    expect(await call(open.core, "GET", "/recipe/session")).toMatchObject({ status: 400, text: "Field name 'sessionHandle' is missing in GET request" });
  });

  it("survives a client that disconnects mid-body, without an internal error", async () => {
    const before = open.exchanges.length;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(open.core.port, "127.0.0.1", () => {
        socket.write("POST /recipe/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"email\":");
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on("close", () => resolve());
      socket.on("error", reject);
    });
    for (let i = 0; i < 100 && open.exchanges.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(open.exchanges.slice(before)).toMatchObject([{ path: "/recipe/signup", status: 400 }]);
    expect((await call(open.core, "GET", "/hello")).text).toBe("Hello");
  });

  it("refuses a body over the size limit with 413 and keeps serving", async () => {
    const res = await call(open.core, "POST", "/recipe/signup", { email: "big@x.y", password: "p".repeat(3 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/too large/);
    expect((await call(open.core, "GET", "/hello")).text).toBe("Hello");
  });
});
