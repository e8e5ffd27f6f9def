/**
 * Calling a recipe before init, or one missing from recipeList, fails with an
 * error that says what to do; unsupported recipe options fail at init.
 */
import { afterAll, expect, it } from "vitest";
import corelens, { getUser, NotInitialisedError } from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Multitenancy from "../../src/recipe/multitenancy/index.js";
import Session from "../../src/recipe/session/index.js";
import UserMetadata from "../../src/recipe/usermetadata/index.js";
import { APP_INFO } from "./helpers/setup.js";

afterAll(async () => {
  await corelens.close();
});

it("before init: every function rejects with NotInitialisedError naming corelens.init", async () => {
  const calls: (() => Promise<unknown>)[] = [
    () => Session.getSessionWithoutRequestResponse("a.b.c"),
    () => Session.revokeSession("h"),
    () => EmailPassword.signUp("public", "a@b.c", "pw"),
    () => UserMetadata.getUserMetadata("u"),
    () => Multitenancy.listAllTenants(),
    () => getUser("u"),
  ];
  for (const call of calls) {
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotInitialisedError);
    expect(String((err as Error).message)).toMatch(/corelens\.init\(\)/);
  }
});

it("a recipe not in recipeList: the error names the recipe and what to add", async () => {
  corelens.init({ supertokens: { connectionURI: "http://127.0.0.1:9" }, appInfo: APP_INFO, recipeList: [Session.init()] });
  await expect(EmailPassword.signIn("public", "a@b.c", "pw")).rejects.toThrow(/EmailPassword\.init\(\) to recipeList/);
  await expect(UserMetadata.clearUserMetadata("u")).rejects.toThrow(/UserMetadata\.init\(\) to recipeList/);
  await expect(Multitenancy.getTenant("t")).rejects.toThrow(/Multitenancy\.init\(\) to recipeList/);
});

it("unsupported options are refused at init, with what to do instead", () => {
  expect(() => Session.init({ override: { functions: (o: unknown) => o } })).toThrow(/override.*not supported/);
  expect(() => EmailPassword.init({ override: {} })).toThrow(/not supported/);
  expect(() => Session.init({ antiCsrf: "SOMETIMES" as "NONE" })).toThrow(/antiCsrf must be one of/);
  expect(() => Session.init({ jwksRefreshIntervalSec: -1 })).toThrow(/positive/);
  // Options that only shape HTTP responses are accepted (they have no effect without a framework).
  expect(() => Session.init({ cookieSameSite: "lax", cookieSecure: true, exposeAccessTokenToFrontendInCookieBasedAuth: true })).not.toThrow();
  expect(Session.Error.TRY_REFRESH_TOKEN).toBe("TRY_REFRESH_TOKEN");
  expect(Session.Error.UNAUTHORISED).toBe("UNAUTHORISED");
  expect(Session.Error.TOKEN_THEFT_DETECTED).toBe("TOKEN_THEFT_DETECTED");
  expect(new Session.Error({ type: "UNAUTHORISED", message: "m" }).payload).toEqual({ clearTokens: true });
  expect(corelens.Error.isErrorFromSuperTokens(new Session.Error({ type: "TRY_REFRESH_TOKEN", message: "m" }))).toBe(true);
  expect(corelens.Error.isErrorFromSuperTokens(new Error("plain"))).toBe(false);
});
