/**
 * Session behaviour the SDK flows do not reach with default settings: the
 * anti-CSRF token, expiry of access and refresh tokens, the static signing
 * key, signing-key rotation, and the rotation/theft rules on raw refresh
 * tokens. A test clock replaces waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectCdiConformance, startObservedDevCore, type ObservedDevCore } from "./helpers/devcore.js";

let clock = Date.now();
let dc: ObservedDevCore;
const HOUR = 3600_000;

beforeAll(async () => {
  dc = await startObservedDevCore({ accessTokenValidity: 3600, refreshTokenValidity: 24 * 3600 }, undefined, () => clock);
});
afterAll(async () => {
  await dc.core.close();
  expectCdiConformance(dc);
});

const create = (extra: Record<string, unknown> = {}, tenantPath = "") =>
  call(dc.core, "POST", `${tenantPath}/recipe/session`, { userId: "user-1", userDataInJWT: { r: 1 }, userDataInDatabase: {}, enableAntiCsrf: false, ...extra });
const verify = (accessToken: string, extra: Record<string, unknown> = {}) =>
  call(dc.core, "POST", "/recipe/session/verify", { accessToken, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: false, ...extra });
const refresh = (refreshToken: string, extra: Record<string, unknown> = {}) =>
  call(dc.core, "POST", "/recipe/session/refresh", { refreshToken, enableAntiCsrf: false, useDynamicSigningKey: true, ...extra });
const decode = (token: string, part: 0 | 1) => JSON.parse(Buffer.from(token.split(".")[part]!, "base64url").toString()) as Record<string, unknown>;

describe("access token format", () => {
  it("is the v5 format with the core's claims in order and user claims at top level", async () => {
    const s = await create();
    const token = s.json.accessToken.token as string;
    expect(decode(token, 0)).toEqual({ alg: "RS256", typ: "JWT", kid: expect.stringMatching(/^d-\d+$/), version: "5" });
    const payload = decode(token, 1);
    expect(Object.keys(payload)).toEqual(["sub", "exp", "iat", "tId", "rsub", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken", "r"]);
    expect(payload).toMatchObject({ sub: "user-1", rsub: "user-1", tId: "public", parentRefreshTokenHash1: null, antiCsrfToken: null, r: 1 });
    expect(s.json.accessToken.expiry).toBe((payload.exp as number) * 1000);
    expect(s.json.accessToken.createdTime).toBe((payload.iat as number) * 1000);
  });

  it("uses a static s- key when asked, published after the dynamic keys", async () => {
    const s = await create({ useDynamicSigningKey: false });
    const kid = decode(s.json.accessToken.token, 0).kid as string;
    expect(kid).toMatch(/^s-[0-9a-f-]{36}$/);
    const kids = (await call(dc.core, "GET", "/.well-known/jwks.json")).json.keys.map((k: { kid: string }) => k.kid);
    expect(kids[kids.length - 1]).toBe(kid);
    expect(kids[0]).toMatch(/^d-/);
    expect((await verify(s.json.accessToken.token)).json.status).toBe("OK");
  });
});

describe("anti-CSRF", () => {
  it("issues a token, checks it on verify and refresh, and issues a new one on refresh", async () => {
    const s = await create({ enableAntiCsrf: true });
    const anti = s.json.antiCsrfToken as string;
    expect(anti).toMatch(/^[0-9a-f-]{36}$/);
    expect(decode(s.json.accessToken.token, 1).antiCsrfToken).toBe(anti);
    const check = { enableAntiCsrf: true, doAntiCsrfCheck: true };
    expect((await verify(s.json.accessToken.token, { ...check, antiCsrfToken: "wrong" })).json).toEqual({ status: "TRY_REFRESH_TOKEN", message: "anti-csrf check failed" });
    expect((await verify(s.json.accessToken.token, check)).json.status).toBe("TRY_REFRESH_TOKEN");
    expect((await verify(s.json.accessToken.token, { ...check, antiCsrfToken: anti })).json.status).toBe("OK");
    expect((await refresh(s.json.refreshToken.token, { enableAntiCsrf: true, antiCsrfToken: "wrong" })).json.status).toBe("UNAUTHORISED");
    const r = await refresh(s.json.refreshToken.token, { enableAntiCsrf: true, antiCsrfToken: anti });
    expect(r.json.status).toBe("OK");
    expect(r.json.antiCsrfToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.json.antiCsrfToken).not.toBe(anti);
  });
});

describe("refresh-token rotation (CDI <= 5.4 rules)", () => {
  it("keeps the stored token until the child is used, then treats the rotated-out token as theft", async () => {
    const s = await create();
    const rt0 = s.json.refreshToken.token as string;
    const r1 = await refresh(rt0);
    expect(decode(r1.json.accessToken.token, 1).parentRefreshTokenHash1).toEqual(expect.any(String));
    // Not promoted yet: the original token may still refresh.
    expect((await refresh(rt0)).json.status).toBe("OK");
    // Using the child promotes it; from then on the original is a reuse.
    const r2 = await refresh(r1.json.refreshToken.token);
    expect(r2.json.status).toBe("OK");
    const theft = await refresh(rt0);
    expect(theft.json).toEqual({ status: "TOKEN_THEFT_DETECTED", session: { handle: s.json.session.handle, userId: "user-1", recipeUserId: "user-1" } });
  });

  it("promotes on verify of a refreshed access token and returns a token without a parent", async () => {
    const s = await create();
    const r1 = await refresh(s.json.refreshToken.token);
    const v = await verify(r1.json.accessToken.token);
    expect(v.json.accessToken).toBeDefined();
    expect(decode(v.json.accessToken.token, 1).parentRefreshTokenHash1).toBeNull();
    expect((await refresh(s.json.refreshToken.token)).json.status).toBe("TOKEN_THEFT_DETECTED");
  });

  it("refuses a protected claim in jwt/data and regenerate", async () => {
    const s = await create();
    expect(await call(dc.core, "PUT", "/recipe/jwt/data", { sessionHandle: s.json.session.handle, userDataInJWT: { exp: 1 } })).toMatchObject({ status: 400, text: "The user payload contains protected field" });
    expect((await call(dc.core, "POST", "/recipe/session/regenerate", { accessToken: s.json.accessToken.token, userDataInJWT: { rsub: "x" } })).status).toBe(400);
  });
});

describe("expiry and key rotation (test clock)", () => {
  it("expires access tokens, then sessions, as their validities say", async () => {
    const s = await create();
    clock += HOUR + 1000;
    expect((await verify(s.json.accessToken.token)).json).toEqual({ status: "TRY_REFRESH_TOKEN", message: "Access token expired" });
    const regenerated = await call(dc.core, "POST", "/recipe/session/regenerate", { accessToken: s.json.accessToken.token });
    expect(regenerated.json.status).toBe("OK");
    expect(regenerated.json.accessToken).toBeUndefined();
    const r = await refresh(s.json.refreshToken.token);
    expect(r.json.status).toBe("OK");
    expect((await verify(r.json.accessToken.token)).json.status).toBe("OK");
    clock += 25 * HOUR;
    expect((await refresh(r.json.refreshToken.token)).json.status).toBe("UNAUTHORISED");
    expect((await call(dc.core, "GET", `/recipe/session?sessionHandle=${s.json.session.handle}`)).json.status).toBe("UNAUTHORISED");
  });

  it("rotates the dynamic key after 168 h, publishing the new key a minute before signing with it", async () => {
    // A fresh core: the earlier tests moved this file's clock past the old key's lifetime.
    let rotationClock = Date.now();
    const fresh = await startObservedDevCore({}, undefined, () => rotationClock);
    const createOn = () => call(fresh.core, "POST", "/recipe/session", { userId: "u", userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false });
    const before = await createOn();
    const oldKid = decode(before.json.accessToken.token, 0).kid;
    rotationClock += 168 * HOUR;
    await createOn(); // triggers the rotation in the background
    let kids: string[] = [];
    for (let i = 0; i < 100 && kids.filter((k) => k.startsWith("d-")).length < 2; i++) {
      kids = (await call(fresh.core, "GET", "/.well-known/jwks.json")).json.keys.map((k: { kid: string }) => k.kid);
      if (kids.filter((k) => k.startsWith("d-")).length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    const newKid = kids[0]!;
    expect(newKid).not.toBe(oldKid);
    expect(kids).toContain(oldKid);
    const during = await createOn();
    expect(decode(during.json.accessToken.token, 0).kid).toBe(oldKid);
    rotationClock += 61_000;
    const after = await createOn();
    expect(decode(after.json.accessToken.token, 0).kid).toBe(newKid);
    // Tokens signed with either key verify.
    for (const token of [during.json.accessToken.token, after.json.accessToken.token]) {
      const v = await call(fresh.core, "POST", "/recipe/session/verify", { accessToken: token, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: false });
      expect(v.json.status).toBe("OK");
    }
    await fresh.core.close();
    expectCdiConformance(fresh);
  });
});
