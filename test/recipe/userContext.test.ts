/**
 * Every recipe function passes its userContext, unchanged (the same object),
 * to the network interceptor for each core request it makes: this is how an
 * app's per-request data (tenant headers, request ids) reaches the core call.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { deleteUser, getUser, type RecipeUserId } from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Multitenancy from "../../src/recipe/multitenancy/index.js";
import Session from "../../src/recipe/session/index.js";
import UserMetadata from "../../src/recipe/usermetadata/index.js";
import { freshEmail, startHarness, type Harness } from "./helpers/setup.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

/** Runs `fn` with a fresh userContext and checks every request it sent carried exactly that object. */
async function sends<T>(label: string, fn: (uc: Record<string, unknown>) => Promise<T>, minRequests = 1): Promise<T> {
  const uc = { label, requestId: Math.random() };
  const from = h.seen.length;
  const result = await fn(uc);
  const mine = h.seen.slice(from);
  expect(mine.length, `${label}: requests sent`).toBeGreaterThanOrEqual(minRequests);
  for (const s of mine) expect(s.userContext, `${label}: ${s.request.method} ${s.request.url}`).toBe(uc);
  return result;
}

it("reaches the interceptor from every function", async () => {
  const email = freshEmail("uc");
  const up = await sends("signUp", (uc) => EmailPassword.signUp("public", email, "password-123", undefined, uc));
  if (up.status !== "OK") throw new Error("sign up failed");
  const userId = up.user.id;
  const rid: RecipeUserId = up.recipeUserId;
  await sends("signIn", (uc) => EmailPassword.signIn("public", email, "password-123", undefined, uc));
  await sends("verifyCredentials", (uc) => EmailPassword.verifyCredentials("public", email, "password-123", uc));
  await sends("getUser", (uc) => getUser(userId, uc));

  const s = await sends("createNewSession", (uc) => Session.createNewSessionWithoutRequestResponse("public", rid, {}, {}, false, uc));
  // The first verification fetches the keys: that fetch carries the caller's userContext.
  await sends("getSession (keys fetch)", (uc) => Session.getSessionWithoutRequestResponse(s.getAccessToken(), undefined, undefined, uc));
  await sends("getSession (checkDatabase)", (uc) =>
    Session.getSessionWithoutRequestResponse(s.getAccessToken(), undefined, { checkDatabase: true }, uc),
  );
  const refreshed = await sends("refresh", (uc) =>
    Session.refreshSessionWithoutRequestResponse(s.getAllSessionTokensDangerously().refreshToken!, false, undefined, uc),
  );
  await sends("getSessionInformation", (uc) => Session.getSessionInformation(refreshed.getHandle(), uc));
  await sends("updateSessionDataInDatabase", (uc) => Session.updateSessionDataInDatabase(refreshed.getHandle(), { a: 1 }, uc));
  await sends("mergeIntoAccessTokenPayload", (uc) => Session.mergeIntoAccessTokenPayload(refreshed.getHandle(), { b: 2 }, uc), 2);
  await sends("getAllSessionHandlesForUser", (uc) => Session.getAllSessionHandlesForUser(userId, true, undefined, uc));
  await sends("getJWKS", (uc) => Session.getJWKS(uc));
  await sends("session.getSessionDataFromDatabase", (uc) => refreshed.getSessionDataFromDatabase(uc));
  await sends("session.updateSessionDataInDatabase", (uc) => refreshed.updateSessionDataInDatabase({ c: 3 }, uc));
  await sends("session.mergeIntoAccessTokenPayload", (uc) => refreshed.mergeIntoAccessTokenPayload({ d: 4 }, uc));
  await sends("session.getTimeCreated", (uc) => refreshed.getTimeCreated(uc));
  await sends("session.getExpiry", (uc) => refreshed.getExpiry(uc));
  await sends("session.revokeSession", (uc) => refreshed.revokeSession(uc));
  const other = await Session.createNewSessionWithoutRequestResponse("public", rid);
  await sends("revokeSession", (uc) => Session.revokeSession(other.getHandle(), uc));
  await sends("revokeMultipleSessions", (uc) => Session.revokeMultipleSessions([other.getHandle()], uc));
  await sends("revokeAllSessionsForUser", (uc) => Session.revokeAllSessionsForUser(userId, true, undefined, uc));

  await sends("getUserMetadata", (uc) => UserMetadata.getUserMetadata(userId, uc));
  await sends("updateUserMetadata", (uc) => UserMetadata.updateUserMetadata(userId, { x: 1 }, uc));
  await sends("clearUserMetadata", (uc) => UserMetadata.clearUserMetadata(userId, uc));

  await sends("createOrUpdateTenant", (uc) => Multitenancy.createOrUpdateTenant("uc-tenant", { firstFactors: ["emailpassword"] }, uc));
  await sends("getTenant", (uc) => Multitenancy.getTenant("uc-tenant", uc));
  await sends("listAllTenants", (uc) => Multitenancy.listAllTenants(uc));
  await sends("deleteTenant", (uc) => Multitenancy.deleteTenant("uc-tenant", uc));

  await sends("deleteUser", (uc) => deleteUser(userId, true, uc));
});
