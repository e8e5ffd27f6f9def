/**
 * The auth APIs over real HTTP against the dev core, in Express and in
 * Fastify, with tokens in cookies and in headers: every API's success and
 * documented failures, verifySession (required, optional, expired), refresh,
 * sign out and token theft, as a frontend SDK sees them on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import corelens from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Session from "../../src/recipe/session/index.js";
import Multitenancy from "../../src/recipe/multitenancy/index.js";
import { startDevCore } from "../../src/devcore/index.js";
import { startApp, type App, type Framework } from "./helpers/apps.js";
import { FrontendClient, freshEmail, type Mode } from "./helpers/client.js";

const APP_INFO = { appName: "fdi", apiDomain: "http://127.0.0.1:3001", websiteDomain: "http://127.0.0.1:3000" };
const PASSWORD = "password123";

let core: Awaited<ReturnType<typeof startDevCore>>;

beforeAll(async () => {
  // A three-second access token, so expiry and refresh are exercised for real (with room for a slow machine).
  core = await startDevCore({ port: 0, accessTokenValidity: 3 });
  corelens.init({
    supertokens: { connectionURI: core.url },
    appInfo: APP_INFO,
    recipeList: [EmailPassword.init(), Session.init(), Multitenancy.init()],
  });
  await Multitenancy.createOrUpdateTenant("tenant1", { firstFactors: ["emailpassword"] });
});

afterAll(async () => {
  await corelens.close();
  await core.close();
});

const sleepUntilExpired = async (client: FrontendClient) => {
  const ate = client.front().ate;
  await new Promise((r) => setTimeout(r, Math.max(0, ate - Date.now()) + 50));
};

describe.each(["express", "fastify"] as Framework[])("%s", (framework) => {
  let app: App;
  beforeAll(async () => {
    app = await startApp(framework);
  });
  afterAll(async () => {
    await app.close();
  });

  describe.each(["cookie", "header"] as Mode[])("%s mode", (mode) => {
    const client = () => new FrontendClient(app.url, mode);

    it("sign up answers OK with the user and sends the session the way the frontend asked", async () => {
      const c = client();
      const email = freshEmail("signup");
      const res = await c.signUp(` ${email} `, PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe("OK");
      expect(res.body.user.emails).toEqual([email]);
      expect(res.body.user.loginMethods[0].recipeId).toBe("emailpassword");
      expect(c.front().uid).toBe(res.body.user.id);
      expect(res.headers.get("access-control-expose-headers")).toContain("front-token");
      if (mode === "cookie") {
        const access = res.setCookies.find((s) => s.startsWith("sAccessToken="))!;
        const refresh = res.setCookies.find((s) => s.startsWith("sRefreshToken="))!;
        expect(access).toMatch(/; Path=\/; /);
        expect(access).toMatch(/HttpOnly/);
        expect(access).toMatch(/SameSite=Lax/);
        expect(access).not.toMatch(/Secure/);
        expect(refresh).toMatch(/; Path=\/auth\/session\/refresh; /);
        expect(refresh).toMatch(/HttpOnly/);
        expect(res.headers.get("st-access-token")).toBeNull();
      } else {
        expect(res.setCookies).toEqual([]);
        expect(c.accessToken).toMatch(/^ey/);
        expect(c.refreshToken).toBeTruthy();
        expect(res.headers.get("access-control-expose-headers")).toContain("st-access-token");
      }
      const me = await c.call("GET", "/api/me");
      expect(me.status).toBe(200);
      expect(me.body.userId).toBe(res.body.user.id);
    });

    it("sign up: FIELD_ERROR for a taken email, a bad email and a weak password; 400 for a malformed body", async () => {
      const c = client();
      const email = freshEmail("taken");
      expect((await c.signUp(email, PASSWORD)).body.status).toBe("OK");
      const again = await client().signUp(email, PASSWORD);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ status: "FIELD_ERROR", formFields: [{ id: "email", error: "This email already exists. Please sign in instead." }] });
      expect(again.setCookies).toEqual([]);
      expect(again.headers.get("front-token")).toBeNull();

      const bad = await client().signUp("not-an-email", "short");
      expect(bad.body.status).toBe("FIELD_ERROR");
      expect(bad.body.formFields).toEqual([
        { id: "email", error: "Email is invalid" },
        { id: "password", error: "Password must contain at least 8 characters, including a number" },
      ]);
      expect((await client().signUp(freshEmail("nodigit"), "passwordonly")).body.formFields).toEqual([
        { id: "password", error: "Password must contain at least one number" },
      ]);
      const empty = await client().signUp("", "");
      expect(empty.body.formFields.map((f: { error: string }) => f.error)).toEqual(["Field is not optional", "Field is not optional"]);

      const missing = await c.call("POST", "/auth/signup", { body: {} });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/formFields/);
      const notArray = await c.call("POST", "/auth/signup", { body: { formFields: "x" } });
      expect(notArray.status).toBe(400);
      const notJson = await c.call("POST", "/auth/signup", { headers: { "content-type": "application/json" }, body: undefined });
      expect(notJson.status).toBe(400);
    });

    it("sign in: OK with a session; WRONG_CREDENTIALS_ERROR; FIELD_ERROR for an empty field", async () => {
      const email = freshEmail("signin");
      await client().signUp(email, PASSWORD);
      const c = client();
      const ok = await c.signIn(email, PASSWORD);
      expect(ok.body.status).toBe("OK");
      expect(ok.body.user.emails).toEqual([email]);
      expect((await c.call("GET", "/api/me")).status).toBe(200);

      const wrong = await client().signIn(email, "wrong-password1");
      expect(wrong.status).toBe(200);
      expect(wrong.body).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
      expect(wrong.headers.get("front-token")).toBeNull();
      expect((await client().signIn(freshEmail("nobody"), PASSWORD)).body).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
      const empty = await client().signIn(email, "");
      expect(empty.body).toEqual({ status: "FIELD_ERROR", formFields: [{ id: "password", error: "Field is not optional" }] });
    });

    it("tenant-prefixed paths act in that tenant", async () => {
      const email = freshEmail("tenant");
      const c = client();
      const up = await c.signUp(email, PASSWORD, "tenant1");
      expect(up.body.status).toBe("OK");
      expect(up.body.user.tenantIds).toEqual(["tenant1"]);
      expect(c.front().up.tId).toBe("tenant1");
      expect((await client().signIn(email, PASSWORD, "tenant1")).body.status).toBe("OK");
      // The same email is unknown in the public tenant.
      expect((await client().signIn(email, PASSWORD)).body.status).toBe("WRONG_CREDENTIALS_ERROR");
      const q = `?email=${encodeURIComponent(email)}`;
      expect((await c.call("GET", `/auth/tenant1/emailpassword/email/exists${q}`)).body).toEqual({ status: "OK", exists: true });
      expect((await c.call("GET", `/auth/emailpassword/email/exists${q}`)).body).toEqual({ status: "OK", exists: false });
    });

    it("email exists: true, false, the older path, and 400 without an email", async () => {
      const email = freshEmail("exists");
      const c = client();
      await c.signUp(email, PASSWORD);
      expect((await c.call("GET", `/auth/emailpassword/email/exists?email=${encodeURIComponent(email.toUpperCase())}`)).body).toEqual({
        status: "OK",
        exists: true,
      });
      expect((await c.call("GET", `/auth/signup/email/exists?email=${encodeURIComponent(email)}`)).body).toEqual({ status: "OK", exists: true });
      expect((await c.call("GET", `/auth/emailpassword/email/exists?email=${encodeURIComponent(freshEmail("no"))}`)).body).toEqual({
        status: "OK",
        exists: false,
      });
      const missing = await c.call("GET", "/auth/emailpassword/email/exists");
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/email/);
    });

    it("verifySession: 401 unauthorised without a session, optional lets it through, unknown paths are the app's", async () => {
      const c = client();
      const none = await c.call("GET", "/api/me");
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ message: "unauthorised" });
      const optional = await c.call("GET", "/api/optional");
      expect(optional.status).toBe(200);
      expect(optional.body).toEqual({ session: null });
      await c.signUp(freshEmail("optional"), PASSWORD);
      expect((await c.call("GET", "/api/optional")).body.userId).toBe(c.front().uid);
      expect((await c.call("GET", "/auth/not-an-api")).status).toBe(404);
      expect((await c.call("GET", "/auth/signup")).status).toBe(404);
    });

    it("errorHandler answers a session error thrown by a route as 401", async () => {
      const res = await client().call("GET", "/api/throws");
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: "unauthorised" });
    });

    it("an expired access token is 401 try refresh token; refresh gives new tokens and the session works again", async () => {
      const c = client();
      await c.signUp(freshEmail("expiry"), PASSWORD);
      const firstAccess = mode === "cookie" ? c.cookie("sAccessToken")!.value : c.accessToken;
      const firstRefresh = mode === "cookie" ? c.cookie("sRefreshToken")!.value : c.refreshToken;
      const handle = (await c.call("GET", "/api/me")).body.handle;
      await sleepUntilExpired(c);
      const expired = await c.call("GET", "/api/me");
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual({ message: "try refresh token" });
      // Nothing cleared: the frontend keeps the refresh token to call refresh.
      expect(expired.setCookies).toEqual([]);

      const refreshed = await c.refresh();
      expect(refreshed.status).toBe(200);
      expect(refreshed.headers.get("front-token")).toBeTruthy();
      const newAccess = mode === "cookie" ? c.cookie("sAccessToken")!.value : c.accessToken;
      const newRefresh = mode === "cookie" ? c.cookie("sRefreshToken")!.value : c.refreshToken;
      expect(newAccess).not.toBe(firstAccess);
      expect(newRefresh).not.toBe(firstRefresh);
      if (mode === "cookie") expect(refreshed.setCookies.find((s) => s.startsWith("sRefreshToken="))).toMatch(/Path=\/auth\/session\/refresh/);
      const again = await c.call("GET", "/api/me");
      expect(again.status).toBe(200);
      expect(again.body.handle).toBe(handle);
    });

    it("refresh without a refresh token is 401 unauthorised and clears the tokens", async () => {
      const res = await client().refresh();
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: "unauthorised" });
      expect(res.headers.get("front-token")).toBe("remove");
      expect(res.setCookies.some((s) => s.startsWith("sRefreshToken=;") && s.includes("Expires=Thu, 01 Jan 1970"))).toBe(true);
      expect(res.headers.get("st-refresh-token")).toBe("");
    });

    it("sign out revokes the session and clears the tokens; without a session it is still OK", async () => {
      const c = client();
      await c.signUp(freshEmail("signout"), PASSWORD);
      const handle = (await c.call("GET", "/api/me")).body.handle;
      const staleAccess = mode === "cookie" ? c.cookie("sAccessToken")!.value : c.accessToken!;
      const out = await c.signOut();
      expect(out.status).toBe(200);
      expect(out.body).toEqual({ status: "OK" });
      expect(out.headers.get("front-token")).toBe("remove");
      if (mode === "cookie") {
        expect(out.setCookies.filter((s) => s.includes("Expires=Thu, 01 Jan 1970")).map((s) => s.split("=")[0])).toEqual(["sAccessToken", "sRefreshToken"]);
        expect(c.cookies.size).toBe(0);
      } else {
        expect(out.headers.get("st-access-token")).toBe("");
        expect(out.headers.get("st-refresh-token")).toBe("");
        expect(c.accessToken).toBeUndefined();
      }
      expect(await Session.getSessionInformation(handle)).toBeUndefined();
      await expect(Session.getSessionWithoutRequestResponse(staleAccess, undefined, { checkDatabase: true })).rejects.toMatchObject({ type: "UNAUTHORISED" });
      expect((await c.call("GET", "/api/me")).status).toBe(401);
      expect((await client().signOut()).body).toEqual({ status: "OK" });
    });

    it("sign out with an expired access token is 401 try refresh token (the SDK refreshes, then signs out)", async () => {
      const c = client();
      await c.signUp(freshEmail("signout-expired"), PASSWORD);
      const handle = (await c.call("GET", "/api/me")).body.handle;
      await sleepUntilExpired(c);
      const out = await c.signOut();
      expect(out.status).toBe(401);
      expect(out.body).toEqual({ message: "try refresh token" });
      expect(await Session.getSessionInformation(handle)).toBeDefined();
      expect((await c.refresh()).status).toBe(200);
      expect((await c.signOut()).body).toEqual({ status: "OK" });
      expect(await Session.getSessionInformation(handle)).toBeUndefined();
    });

    it("a refresh token used twice is token theft: 401 token theft detected, the session revoked, tokens cleared", async () => {
      const c = client();
      await c.signUp(freshEmail("theft"), PASSWORD);
      const handle = (await c.call("GET", "/api/me")).body.handle;
      // An attacker's copy of the first refresh token.
      const thief = new FrontendClient(app.url, mode);
      for (const [k, v] of c.cookies) thief.cookies.set(k, { ...v });
      thief.refreshToken = c.refreshToken;
      // The user refreshes twice: the first refresh token is now an ancestor the core has seen replaced.
      expect((await c.refresh()).status).toBe(200);
      expect((await c.call("GET", "/api/me")).status).toBe(200);
      expect((await c.refresh()).status).toBe(200);
      const stolen = await thief.refresh();
      expect(stolen.status).toBe(401);
      expect(stolen.body).toEqual({ message: "token theft detected" });
      expect(stolen.headers.get("front-token")).toBe("remove");
      expect(await Session.getSessionInformation(handle)).toBeUndefined();
      // The user's own session is gone too: their next refresh is unauthorised.
      expect((await c.refresh()).status).toBe(401);
    });

    it("a session change inside a route (mergeIntoAccessTokenPayload) sends the new tokens", async () => {
      const c = client();
      await c.signUp(freshEmail("merge"), PASSWORD);
      const before = mode === "cookie" ? c.cookie("sAccessToken")!.value : c.accessToken;
      const res = await c.call("POST", "/api/merge");
      expect(res.status).toBe(200);
      expect(res.body.payload.role).toBe("admin");
      expect(c.front().up.role).toBe("admin");
      const after = mode === "cookie" ? c.cookie("sAccessToken")!.value : c.accessToken;
      expect(after).not.toBe(before);
      expect((await c.call("GET", "/api/me")).body.payload.role).toBe("admin");
    });
  });

  it("a token sent both ways: the header wins for verification, and a new sign-in clears the other method", async () => {
    const cookieClient = new FrontendClient(app.url, "cookie");
    const email = freshEmail("both");
    await cookieClient.signUp(email, PASSWORD);
    const headerClient = new FrontendClient(app.url, "header");
    for (const [k, v] of cookieClient.cookies) headerClient.cookies.set(k, v);
    const res = await headerClient.signIn(email, PASSWORD);
    expect(res.body.status).toBe("OK");
    // The header session replaced the cookie one in this client.
    expect(res.setCookies.filter((s) => s.includes("Expires=Thu, 01 Jan 1970")).length).toBe(2);
    expect(headerClient.accessToken).toBeTruthy();
  });
});
