/**
 * Anti-CSRF as configured: VIA_TOKEN (the anti-csrf header must echo the
 * token issued with the session, for writes and refresh), VIA_CUSTOM_HEADER
 * (the `rid` header must be present), NONE, and the default picked from the
 * cookie SameSite (cross-site → None + Secure + VIA_CUSTOM_HEADER). Header
 * mode is never subject to it: another site cannot set Authorization.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import corelens from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Session from "../../src/recipe/session/index.js";
import { startDevCore } from "../../src/devcore/index.js";
import { startApp, type App, type Framework } from "./helpers/apps.js";
import { FrontendClient, freshEmail } from "./helpers/client.js";

const SAME_SITE = { appName: "csrf", apiDomain: "http://127.0.0.1:3001", websiteDomain: "http://127.0.0.1:3000" };
const CROSS_SITE = { appName: "csrf", apiDomain: "https://api.example.com", websiteDomain: "https://example.org" };
const PASSWORD = "password123";

let core: Awaited<ReturnType<typeof startDevCore>>;
let app: App | undefined;

beforeAll(async () => {
  core = await startDevCore({ port: 0 });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await corelens.close();
});
afterAll(async () => {
  await core.close();
});

async function setUp(framework: Framework, appInfo: typeof SAME_SITE, session: Parameters<typeof Session.init>[0]): Promise<App> {
  corelens.init({ supertokens: { connectionURI: core.url }, appInfo, recipeList: [EmailPassword.init(), Session.init(session)] });
  app = await startApp(framework);
  return app;
}

describe.each(["express", "fastify"] as Framework[])("%s", (framework) => {
  it("VIA_TOKEN: writes and refresh need the anti-csrf token; reads and header mode do not", async () => {
    const a = await setUp(framework, SAME_SITE, { antiCsrf: "VIA_TOKEN" });
    const c = new FrontendClient(a.url, "cookie");
    const up = await c.signUp(freshEmail("token"), PASSWORD);
    const token = up.headers.get("anti-csrf");
    expect(token).toBeTruthy();
    expect(up.headers.get("access-control-expose-headers")).toContain("anti-csrf");

    expect((await c.call("POST", "/api/me")).status).toBe(200);
    c.antiCsrf = undefined;
    const noToken = await c.call("POST", "/api/me");
    expect(noToken.status).toBe(401);
    expect(noToken.body).toEqual({ message: "try refresh token" });
    c.antiCsrf = "wrong";
    expect((await c.call("POST", "/api/me")).status).toBe(401);
    c.antiCsrf = undefined;
    expect((await c.call("GET", "/api/me")).status).toBe(200);

    // Refresh without the token is refused (and clears the tokens); with it, it works.
    expect((await c.refresh()).status).toBe(401);
    const c2 = new FrontendClient(a.url, "cookie");
    const email = freshEmail("token2");
    await c2.signUp(email, PASSWORD);
    const refreshed = await c2.refresh();
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get("anti-csrf")).toBeTruthy();
    expect((await c2.call("POST", "/api/me")).status).toBe(200);

    const h = new FrontendClient(a.url, "header");
    const hUp = await h.signIn(email, PASSWORD);
    expect(hUp.headers.get("anti-csrf")).toBeNull();
    expect((await h.call("POST", "/api/me")).status).toBe(200);
    expect((await h.refresh()).status).toBe(200);
  });

  it("VIA_CUSTOM_HEADER: cookie writes and refresh need the rid header", async () => {
    const a = await setUp(framework, SAME_SITE, { antiCsrf: "VIA_CUSTOM_HEADER" });
    const c = new FrontendClient(a.url, "cookie");
    await c.signUp(freshEmail("rid"), PASSWORD);
    expect((await c.call("POST", "/api/me")).status).toBe(200);
    const bare = new FrontendClient(a.url, "cookie", { sendRid: false });
    for (const [k, v] of c.cookies) bare.cookies.set(k, v);
    const noRid = await bare.call("POST", "/api/me");
    expect(noRid.status).toBe(401);
    expect(noRid.body).toEqual({ message: "try refresh token" });
    expect((await bare.call("GET", "/api/me")).status).toBe(200);
    const refresh = await bare.refresh();
    expect(refresh.status).toBe(401);
    expect(refresh.body).toEqual({ message: "unauthorised" });
    expect((await c.refresh()).status).toBe(200);
  });

  it("NONE: no check at all", async () => {
    const a = await setUp(framework, SAME_SITE, { antiCsrf: "NONE" });
    const c = new FrontendClient(a.url, "cookie", { sendRid: false });
    const up = await c.signUp(freshEmail("none"), PASSWORD);
    expect(up.headers.get("anti-csrf")).toBeNull();
    expect((await c.call("POST", "/api/me")).status).toBe(200);
    expect((await c.refresh()).status).toBe(200);
  });

  it("cross-site domains: SameSite=None; Secure cookies and the rid check by default", async () => {
    const a = await setUp(framework, CROSS_SITE, {});
    const c = new FrontendClient(a.url, "cookie");
    const up = await c.signUp(freshEmail("cross"), PASSWORD);
    for (const cookie of up.setCookies) {
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/SameSite=None/);
    }
    const bare = new FrontendClient(a.url, "cookie", { sendRid: false });
    for (const [k, v] of c.cookies) bare.cookies.set(k, v);
    expect((await bare.call("POST", "/api/me")).status).toBe(401);
    expect((await c.call("POST", "/api/me")).status).toBe(200);
  });

  it("cross-site over http (not localhost): cookie sessions are refused with a clear error, header sessions work", async () => {
    const a = await setUp(framework, { ...CROSS_SITE, apiDomain: "http://api.example.com", websiteDomain: "http://example.org" }, {});
    const email = freshEmail("insecure");
    const c = new FrontendClient(a.url, "cookie");
    const res = await c.signUp(email, PASSWORD);
    expect(res.status).toBe(500);
    expect(res.setCookies).toEqual([]);
    const h = new FrontendClient(a.url, "header");
    expect((await h.signIn(email, PASSWORD)).body.status).toBe("OK");
  });
});
