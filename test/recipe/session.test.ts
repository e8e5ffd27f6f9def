/**
 * The session functions and the session object against the dev core: every
 * function, its success and its failure outcomes; refresh and theft detection;
 * expired and foreign tokens rejected locally.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertToRecipeUserId, type RecipeUserId } from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Multitenancy from "../../src/recipe/multitenancy/index.js";
import Session from "../../src/recipe/session/index.js";
import { APP_INFO, expectRejectType, freshEmail, startCore, startHarness, type Harness } from "./helpers/setup.js";

let h: Harness;

async function newUser(tenantId = "public"): Promise<{ userId: string; recipeUserId: RecipeUserId }> {
  const res = await EmailPassword.signUp(tenantId, freshEmail("session"), "password-123");
  if (res.status !== "OK") throw new Error(`sign up failed: ${res.status}`);
  return { userId: res.user.id, recipeUserId: res.recipeUserId };
}

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

describe("createNewSessionWithoutRequestResponse", () => {
  it("creates a session with the payload, the database data and both tokens", async () => {
    const { userId, recipeUserId } = await newUser();
    const s = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId, { role: "admin", sub: "ignored" }, { cart: 3 });
    expect(s.getUserId()).toBe(userId);
    expect(s.getRecipeUserId().getAsString()).toBe(recipeUserId.getAsString());
    expect(s.getTenantId()).toBe("public");
    const payload = s.getAccessTokenPayload();
    expect(payload.role).toBe("admin");
    // A protected claim in the input is dropped, not sent (the core would refuse it).
    expect(payload.sub).toBe(userId);
    expect(payload.iss).toBe(`${APP_INFO.apiDomain}/auth`);
    expect(payload.sessionHandle).toBe(s.getHandle());
    const tokens = s.getAllSessionTokensDangerously();
    expect(tokens.accessToken).toBe(s.getAccessToken());
    expect(typeof tokens.refreshToken).toBe("string");
    expect(tokens.accessAndFrontTokenUpdated).toBe(true);
    expect(tokens.antiCsrfToken).toBeUndefined();
    const front = JSON.parse(Buffer.from(tokens.frontToken, "base64").toString());
    expect(front).toMatchObject({ uid: userId, up: { role: "admin" } });
    expect(await s.getSessionDataFromDatabase()).toEqual({ cart: 3 });
  });

  it("refuses a recipe user id that is not a RecipeUserId, with a message saying what to pass", async () => {
    await expect(
      Session.createNewSessionWithoutRequestResponse("public", "plain-string" as unknown as RecipeUserId),
    ).rejects.toThrow(/convertToRecipeUserId/);
  });
});

describe("getSessionWithoutRequestResponse", () => {
  it("verifies locally: no core call for a valid token once the keys are cached", async () => {
    const { recipeUserId } = await newUser();
    const created = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId, { n: 1 });
    const token = created.getAccessToken();
    const first = await Session.getSessionWithoutRequestResponse(token);
    expect(first.getHandle()).toBe(created.getHandle());
    const before = h.proxy.requests.length;
    for (let i = 0; i < 50; i++) {
      const s = await Session.getSessionWithoutRequestResponse(token);
      expect(s.getAccessTokenPayload().n).toBe(1);
    }
    expect(h.proxy.requests.length).toBe(before);
  });

  it("checkDatabase asks the core, and reports a revoked session as UNAUTHORISED", async () => {
    const { recipeUserId } = await newUser();
    const s = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId);
    const verifyCalls = h.proxy.count("/recipe/session/verify");
    const checked = await Session.getSessionWithoutRequestResponse(s.getAccessToken(), undefined, { checkDatabase: true });
    expect(checked.getHandle()).toBe(s.getHandle());
    expect(h.proxy.count("/recipe/session/verify")).toBe(verifyCalls + 1);
    expect(await Session.revokeSession(s.getHandle())).toBe(true);
    // Locally the token is still valid (that is the price of no core call)...
    await expect(Session.getSessionWithoutRequestResponse(s.getAccessToken())).resolves.toBeDefined();
    // ...the core knows better.
    await expectRejectType(
      Session.getSessionWithoutRequestResponse(s.getAccessToken(), undefined, { checkDatabase: true }),
      "UNAUTHORISED",
    );
  });

  it("rejects a token from another core (foreign key) with TRY_REFRESH_TOKEN", async () => {
    const other = await startCore();
    try {
      const foreignToken = await mintDirectly(other.url, "someone");
      await expectRejectType(Session.getSessionWithoutRequestResponse(foreignToken), "TRY_REFRESH_TOKEN");
    } finally {
      await other.close();
    }
  });
});

/** A session created by calling a core's CDI directly (not through corelens). */
async function mintDirectly(coreUrl: string, userId: string): Promise<string> {
  const res = await fetch(`${coreUrl}/public/recipe/session`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", "cdi-version": "5.4", rid: "session" },
    body: JSON.stringify({ userId, userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false, useDynamicSigningKey: true }),
  });
  const body = (await res.json()) as { accessToken: { token: string } };
  return body.accessToken.token;
}

describe("refreshSessionWithoutRequestResponse", () => {
  it("rotates tokens, promotes on first use, and detects a rotated-out refresh token as theft", async () => {
    const { userId, recipeUserId } = await newUser();
    const s1 = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId, { k: "v" });
    const rt1 = s1.getAllSessionTokensDangerously().refreshToken!;

    const s2 = await Session.refreshSessionWithoutRequestResponse(rt1);
    expect(s2.getHandle()).toBe(s1.getHandle());
    expect(s2.getUserId()).toBe(userId);
    expect(s2.getTenantId()).toBe("public");
    expect(s2.getAccessTokenPayload().k).toBe("v");
    const t2 = s2.getAllSessionTokensDangerously();
    expect(t2.refreshToken).not.toBe(rt1);
    expect(t2.accessAndFrontTokenUpdated).toBe(true);

    // The first token after a refresh carries its parent's hash: verifying it goes to the core,
    // which promotes the new refresh token and hands back a fresh access token.
    const verifyCalls = h.proxy.count("/recipe/session/verify");
    const v2 = await Session.getSessionWithoutRequestResponse(s2.getAccessToken());
    expect(h.proxy.count("/recipe/session/verify")).toBe(verifyCalls + 1);
    expect(v2.getAllSessionTokensDangerously().accessAndFrontTokenUpdated).toBe(true);
    const promoted = v2.getAccessToken();
    expect(promoted).not.toBe(s2.getAccessToken());
    // The promoted token verifies locally again.
    await Session.getSessionWithoutRequestResponse(promoted);
    expect(h.proxy.count("/recipe/session/verify")).toBe(verifyCalls + 1);

    // rt1 was rotated out: presenting it again is theft.
    const err = await expectRejectType(Session.refreshSessionWithoutRequestResponse(rt1), "TOKEN_THEFT_DETECTED");
    expect(err).toBeInstanceOf(Session.Error);
    expect(err.payload.userId).toBe(userId);
    expect(err.payload.sessionHandle).toBe(s1.getHandle());
    expect(err.payload.recipeUserId.getAsString()).toBe(recipeUserId.getAsString());
  });

  it("an unknown refresh token is UNAUTHORISED", async () => {
    await expectRejectType(Session.refreshSessionWithoutRequestResponse("not-a-refresh-token"), "UNAUTHORISED");
  });
});

describe("session information and data", () => {
  it("getSessionInformation: the stored session, or undefined", async () => {
    const { userId, recipeUserId } = await newUser();
    const s = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId, { a: 1 }, { d: 2 });
    const info = await Session.getSessionInformation(s.getHandle());
    expect(info).toBeDefined();
    expect(info!.sessionHandle).toBe(s.getHandle());
    expect(info!.userId).toBe(userId);
    expect(info!.recipeUserId.getAsString()).toBe(recipeUserId.getAsString());
    expect(info!.sessionDataInDatabase).toEqual({ d: 2 });
    expect(info!.customClaimsInAccessTokenPayload).toMatchObject({ a: 1 });
    expect(info!.tenantId).toBe("public");
    expect(typeof info!.expiry).toBe("number");
    expect(typeof info!.timeCreated).toBe("number");
    expect(await Session.getSessionInformation("no-such-handle")).toBeUndefined();
  });

  it("updateSessionDataInDatabase: true and stored, false for an unknown session", async () => {
    const { recipeUserId } = await newUser();
    const s = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId);
    expect(await Session.updateSessionDataInDatabase(s.getHandle(), { step: 2 })).toBe(true);
    expect(await s.getSessionDataFromDatabase()).toEqual({ step: 2 });
    await s.updateSessionDataInDatabase({ step: 3 });
    expect((await Session.getSessionInformation(s.getHandle()))!.sessionDataInDatabase).toEqual({ step: 3 });
    expect(await Session.updateSessionDataInDatabase("no-such-handle", { x: 1 })).toBe(false);
  });

  it("mergeIntoAccessTokenPayload (by handle): merges, null deletes, false for an unknown session", async () => {
    const { recipeUserId } = await newUser();
    const s = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId, { a: 1, b: 2 });
    expect(await Session.mergeIntoAccessTokenPayload(s.getHandle(), { b: null, c: 3 })).toBe(true);
    const claims = (await Session.getSessionInformation(s.getHandle()))!.customClaimsInAccessTokenPayload;
    expect(claims).toMatchObject({ a: 1, c: 3 });
    expect(claims).not.toHaveProperty("b");
    expect(await Session.mergeIntoAccessTokenPayload("no-such-handle", { a: 1 })).toBe(false);
    // The stored payload reaches tokens at the next refresh.
    const refreshed = await Session.refreshSessionWithoutRequestResponse(s.getAllSessionTokensDangerously().refreshToken!);
    expect(refreshed.getAccessTokenPayload()).toMatchObject({ a: 1, c: 3 });
    expect(refreshed.getAccessTokenPayload()).not.toHaveProperty("b");
  });

  it("session.mergeIntoAccessTokenPayload: a new access token with the merged claims", async () => {
    const { recipeUserId } = await newUser();
    const s = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId, { a: 1 });
    const verified = await Session.getSessionWithoutRequestResponse(s.getAccessToken());
    const oldToken = verified.getAccessToken();
    await verified.mergeIntoAccessTokenPayload({ a: null, plan: "pro" });
    expect(verified.getAccessToken()).not.toBe(oldToken);
    expect(verified.getAccessTokenPayload().plan).toBe("pro");
    expect(verified.getAccessTokenPayload()).not.toHaveProperty("a");
    expect(verified.getAllSessionTokensDangerously().accessAndFrontTokenUpdated).toBe(true);
    const reverified = await Session.getSessionWithoutRequestResponse(verified.getAccessToken());
    expect(reverified.getAccessTokenPayload().plan).toBe("pro");
  });

  it("the session object's time and expiry come from the core; a revoked session is UNAUTHORISED", async () => {
    const { recipeUserId } = await newUser();
    const s = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId);
    expect(await s.getTimeCreated()).toBeLessThanOrEqual(Date.now());
    expect(await s.getExpiry()).toBeGreaterThan(Date.now());
    await s.revokeSession();
    expect(await Session.getSessionInformation(s.getHandle())).toBeUndefined();
    await expectRejectType(s.getSessionDataFromDatabase(), "UNAUTHORISED");
    await expectRejectType(s.updateSessionDataInDatabase({ x: 1 }), "UNAUTHORISED");
    await expectRejectType(s.mergeIntoAccessTokenPayload({ x: 1 }), "UNAUTHORISED");
  });
});

describe("revoking and listing sessions", () => {
  it("revokeSession: true once, then false", async () => {
    const { recipeUserId } = await newUser();
    const s = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId);
    expect(await Session.revokeSession(s.getHandle())).toBe(true);
    expect(await Session.revokeSession(s.getHandle())).toBe(false);
  });

  it("revokeMultipleSessions: the handles actually revoked", async () => {
    const { recipeUserId } = await newUser();
    const a = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId);
    const b = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId);
    const revoked = await Session.revokeMultipleSessions([a.getHandle(), b.getHandle(), "no-such-handle"]);
    expect(revoked.sort()).toEqual([a.getHandle(), b.getHandle()].sort());
  });

  it("getAllSessionHandlesForUser and revokeAllSessionsForUser, across tenants and for one tenant", async () => {
    await Multitenancy.createOrUpdateTenant("sess-t1", { firstFactors: ["emailpassword"] });
    const { userId, recipeUserId } = await newUser();
    const pub = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId);
    const t1 = await Session.createNewSessionWithoutRequestResponse("sess-t1", recipeUserId);
    expect(t1.getTenantId()).toBe("sess-t1");
    expect((await Session.getAllSessionHandlesForUser(userId)).sort()).toEqual([pub.getHandle(), t1.getHandle()].sort());
    expect(await Session.getAllSessionHandlesForUser(userId, true, "sess-t1")).toEqual([t1.getHandle()]);
    expect(await Session.revokeAllSessionsForUser(userId, true, "sess-t1")).toEqual([t1.getHandle()]);
    expect(await Session.getAllSessionHandlesForUser(userId)).toEqual([pub.getHandle()]);
    expect(await Session.revokeAllSessionsForUser(userId)).toEqual([pub.getHandle()]);
    expect(await Session.getAllSessionHandlesForUser(userId)).toEqual([]);
    // A user id given as converted recipe user id string works the same.
    expect(convertToRecipeUserId(userId).getAsString()).toBe(userId);
  });
});

describe("getJWKS", () => {
  it("returns the core's public keys", async () => {
    const jwks = await Session.getJWKS();
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const k of jwks.keys) expect(k).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
  });
});
