/**
 * Expired access tokens from a dev core with a two-second access-token
 * validity: rejected locally with TRY_REFRESH_TOKEN (no verify call), and a
 * refresh gives a token that verifies again.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import corelens from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Session from "../../src/recipe/session/index.js";
import { startCoreProxy, type CoreProxy } from "./helpers/coreProxy.js";
import { APP_INFO, expectRejectType, freshEmail, startCore, type DevCore } from "./helpers/setup.js";

let core: DevCore;
let proxy: CoreProxy;

beforeAll(async () => {
  core = await startCore({ accessTokenValidity: 2 });
  proxy = await startCoreProxy(core.url);
  corelens.init({ supertokens: { connectionURI: proxy.url }, appInfo: APP_INFO, recipeList: [EmailPassword.init(), Session.init()] });
});

afterAll(async () => {
  await corelens.close();
  await proxy.close();
  await core.close();
});

it("an expired token is TRY_REFRESH_TOKEN without a core call; refresh restores the session", async () => {
  const res = await EmailPassword.signUp("public", freshEmail("expiry"), "password-123");
  if (res.status !== "OK") throw new Error("sign up failed");
  const s = await Session.createNewSessionWithoutRequestResponse("public", res.recipeUserId);
  await expect(Session.getSessionWithoutRequestResponse(s.getAccessToken())).resolves.toBeDefined();
  const exp = s.getAccessTokenPayload().exp as number;
  await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 100));
  const before = proxy.requests.length;
  await expectRejectType(Session.getSessionWithoutRequestResponse(s.getAccessToken()), "TRY_REFRESH_TOKEN");
  expect(proxy.requests.length).toBe(before);

  const refreshed = await Session.refreshSessionWithoutRequestResponse(s.getAllSessionTokensDangerously().refreshToken!);
  const again = await Session.getSessionWithoutRequestResponse(refreshed.getAccessToken());
  expect(again.getHandle()).toBe(s.getHandle());
});
