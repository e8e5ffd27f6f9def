/**
 * The official Node SDK (supertokens-node 24) as a client of the dev core,
 * unchanged: the proof that the dev core answers the way the SDK expects.
 * Each flow asserts the SDK's result and, where it matters, which core calls
 * the SDK made (verification must stay local until the SDK has to ask).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { expectCdiConformance, startObservedDevCore, type ObservedDevCore } from "./helpers/devcore.js";

const API_KEY = "dev-core-test-key-0123456789";

let dc: ObservedDevCore;
const calls = (path: string) => dc.exchanges.filter((e) => e.path === path).length;

beforeAll(async () => {
  dc = await startObservedDevCore({ apiKeys: [API_KEY] });
  supertokens.init({
    supertokens: { connectionURI: dc.core.url, apiKey: API_KEY },
    appInfo: { appName: "devcore-test", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    recipeList: [EmailPassword.init(), Session.init(), UserMetadata.init(), Multitenancy.init()],
    telemetry: false,
  });
});

afterAll(async () => {
  await dc.core.close();
  expectCdiConformance(dc);
  // Every call the SDK made was one the dev core serves: nothing unknown, nothing refused.
  expect(dc.exchanges.filter((e) => e.status !== 200).map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([]);
});

describe("supertokens-node 24 against the dev core", () => {
  let userId: string;
  let recipeUserId: InstanceType<typeof supertokens.RecipeUserId>;

  it("signs up and signs in (negotiating CDI 5.4)", async () => {
    const up = await EmailPassword.signUp("public", "sdk@example.com", "correct horse");
    expect(up.status).toBe("OK");
    if (up.status !== "OK") return;
    userId = up.user.id;
    recipeUserId = up.recipeUserId;
    expect(up.user.emails).toEqual(["sdk@example.com"]);
    expect(dc.exchanges[0]?.path).toBe("/apiversion");
    expect((await EmailPassword.signUp("public", "sdk@example.com", "other")).status).toBe("EMAIL_ALREADY_EXISTS_ERROR");
    const signIn = await EmailPassword.signIn("public", "sdk@example.com", "correct horse");
    expect(signIn.status === "OK" && signIn.user.id).toBe(userId);
    expect((await EmailPassword.signIn("public", "sdk@example.com", "wrong")).status).toBe("WRONG_CREDENTIALS_ERROR");
  });

  it("creates a session and verifies it locally with the JWKS, without asking the core", async () => {
    const session = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId, { plan: "pro" }, { note: "db" });
    const tokens = session.getAllSessionTokensDangerously();
    const verifiesBefore = calls("/recipe/session/verify");
    const verified = await Session.getSessionWithoutRequestResponse(tokens.accessToken);
    expect(verified.getUserId()).toBe(userId);
    expect(verified.getHandle()).toBe(session.getHandle());
    expect(verified.getTenantId()).toBe("public");
    expect(verified.getAccessTokenPayload().plan).toBe("pro");
    expect(calls("/recipe/session/verify")).toBe(verifiesBefore);
    expect(calls("/.well-known/jwks.json")).toBe(1);
    // checkDatabase makes the SDK ask the core.
    await Session.getSessionWithoutRequestResponse(tokens.accessToken, undefined, { checkDatabase: true });
    expect(calls("/recipe/session/verify")).toBe(verifiesBefore + 1);
    // A tampered token fails locally.
    const tampered = tokens.accessToken.slice(0, -4) + (tokens.accessToken.endsWith("AAAA") ? "BBBB" : "AAAA");
    await expect(Session.getSessionWithoutRequestResponse(tampered)).rejects.toMatchObject({ type: Session.Error.TRY_REFRESH_TOKEN });
  });

  it("refreshes with rotation, promotes on verify, and detects a reused refresh token", async () => {
    const first = (await Session.createNewSessionWithoutRequestResponse("public", recipeUserId)).getAllSessionTokensDangerously();
    const second = await Session.refreshSessionWithoutRequestResponse(first.refreshToken!);
    const t2 = second.getAllSessionTokensDangerously();
    expect(t2.refreshToken).not.toBe(first.refreshToken);
    // The refreshed token carries a parent hash: the SDK must go to the core, which promotes and re-mints.
    const verifiesBefore = calls("/recipe/session/verify");
    const promoted = await Session.getSessionWithoutRequestResponse(t2.accessToken);
    expect(calls("/recipe/session/verify")).toBe(verifiesBefore + 1);
    expect(promoted.getAllSessionTokensDangerously().accessAndFrontTokenUpdated).toBe(true);
    // Reusing the rotated-out refresh token is theft.
    const theft = await Session.refreshSessionWithoutRequestResponse(first.refreshToken!).catch((e: unknown) => e);
    expect(theft).toMatchObject({ type: Session.Error.TOKEN_THEFT_DETECTED, payload: { sessionHandle: second.getHandle(), userId } });
    // The current refresh token still works.
    const third = await Session.refreshSessionWithoutRequestResponse(t2.refreshToken!);
    expect(third.getHandle()).toBe(second.getHandle());
  });

  it("reads and updates session information, payload and data; lists and revokes sessions", async () => {
    const session = await Session.createNewSessionWithoutRequestResponse("public", recipeUserId, { a: 1 }, { d: 1 });
    const handle = session.getHandle();
    expect(await Session.getSessionInformation(handle)).toMatchObject({ sessionHandle: handle, userId, sessionDataInDatabase: { d: 1 }, tenantId: "public" });
    expect(await Session.mergeIntoAccessTokenPayload(handle, { b: 2, a: null })).toBe(true);
    expect(await Session.updateSessionDataInDatabase(handle, { d: 2 })).toBe(true);
    const info = await Session.getSessionInformation(handle);
    expect(info?.customClaimsInAccessTokenPayload).toMatchObject({ b: 2 });
    expect(info?.customClaimsInAccessTokenPayload).not.toHaveProperty("a");
    expect(info?.sessionDataInDatabase).toEqual({ d: 2 });
    await session.mergeIntoAccessTokenPayload({ c: 3 });
    expect(session.getAccessTokenPayload()).toMatchObject({ c: 3 });
    expect(await Session.getAllSessionHandlesForUser(userId)).toContain(handle);
    expect(await Session.revokeSession(handle)).toBe(true);
    expect(await Session.getSessionInformation(handle)).toBeUndefined();
    await expect(Session.getSessionWithoutRequestResponse(session.getAccessToken(), undefined, { checkDatabase: true })).rejects.toMatchObject({ type: Session.Error.UNAUTHORISED });
    await Session.createNewSessionWithoutRequestResponse("public", recipeUserId);
    const revoked = await Session.revokeAllSessionsForUser(userId);
    expect(revoked.length).toBeGreaterThan(0);
    expect(await Session.getAllSessionHandlesForUser(userId)).toEqual([]);
  });

  it("user metadata", async () => {
    expect(await UserMetadata.updateUserMetadata(userId, { theme: "dark", n: 1 })).toMatchObject({ status: "OK", metadata: { theme: "dark", n: 1 } });
    expect((await UserMetadata.updateUserMetadata(userId, { n: null })).metadata).toEqual({ theme: "dark" });
    expect((await UserMetadata.getUserMetadata(userId)).metadata).toEqual({ theme: "dark" });
    expect((await UserMetadata.clearUserMetadata(userId)).status).toBe("OK");
    expect((await UserMetadata.getUserMetadata(userId)).metadata).toEqual({});
  });

  it("tenants: create, get, list, use, delete", async () => {
    expect(await Multitenancy.createOrUpdateTenant("acme", { firstFactors: ["emailpassword"] })).toEqual({ status: "OK", createdNew: true });
    expect(await Multitenancy.getTenant("acme")).toMatchObject({ status: "OK", tenantId: "acme", firstFactors: ["emailpassword"] });
    const list = await Multitenancy.listAllTenants();
    expect(list.tenants.map((t) => t.tenantId).sort()).toEqual(["acme", "public"]);
    const inAcme = await EmailPassword.signUp("acme", "sdk@example.com", "acme pw");
    expect(inAcme.status).toBe("OK");
    expect((await EmailPassword.signIn("acme", "sdk@example.com", "correct horse")).status).toBe("WRONG_CREDENTIALS_ERROR");
    const acmeSession = await Session.createNewSessionWithoutRequestResponse("acme", inAcme.status === "OK" ? inAcme.recipeUserId : recipeUserId);
    expect((await Session.getSessionWithoutRequestResponse(acmeSession.getAccessToken())).getTenantId()).toBe("acme");
    expect(await Multitenancy.deleteTenant("acme")).toEqual({ status: "OK", didExist: true });
    expect(await Multitenancy.getTenant("acme")).toBeUndefined();
  });

  it("gets and deletes users", async () => {
    const user = await supertokens.getUser(userId);
    expect(user?.emails).toEqual(["sdk@example.com"]);
    expect(user?.loginMethods[0]?.recipeUserId.getAsString()).toBe(userId);
    await supertokens.deleteUser(userId);
    expect(await supertokens.getUser(userId)).toBeUndefined();
    expect((await EmailPassword.signIn("public", "sdk@example.com", "correct horse")).status).toBe("WRONG_CREDENTIALS_ERROR");
  });
});
