/**
 * supertokens-node 24 with non-default settings against the dev core: a
 * connectionURI with the `/appid-public` base path (so every call, the JWKS
 * included, carries the prefix), anti-CSRF via token, and the static signing
 * key. Separate file: supertokens-node keeps its init in process-global state.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Session from "supertokens-node/recipe/session";
import { expectCdiConformance, startObservedDevCore, type ObservedDevCore } from "./helpers/devcore.js";

let dc: ObservedDevCore;

beforeAll(async () => {
  dc = await startObservedDevCore();
  supertokens.init({
    supertokens: { connectionURI: `${dc.core.url}/appid-public` },
    appInfo: { appName: "devcore-options", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" },
    recipeList: [EmailPassword.init(), Session.init({ antiCsrf: "VIA_TOKEN", useDynamicAccessTokenSigningKey: false })],
    telemetry: false,
  });
});

afterAll(async () => {
  await dc.core.close();
  expectCdiConformance(dc);
  expect(dc.exchanges.every((e) => e.path.startsWith("/appid-public/"))).toBe(true);
  expect(dc.exchanges.filter((e) => e.status !== 200)).toEqual([]);
});

it("signs up, and runs sessions with anti-CSRF tokens and the static key, through the /appid-public prefix", async () => {
  const up = await EmailPassword.signUp("public", "options@example.com", "pw-options");
  expect(up.status).toBe("OK");
  if (up.status !== "OK") return;
  const session = await Session.createNewSessionWithoutRequestResponse("public", up.recipeUserId);
  const tokens = session.getAllSessionTokensDangerously();
  expect(tokens.antiCsrfToken).toEqual(expect.any(String));
  const kid = JSON.parse(Buffer.from(tokens.accessToken.split(".")[0]!, "base64url").toString()).kid as string;
  expect(kid).toMatch(/^s-/);

  const verified = await Session.getSessionWithoutRequestResponse(tokens.accessToken, tokens.antiCsrfToken);
  expect(verified.getUserId()).toBe(up.user.id);
  await expect(Session.getSessionWithoutRequestResponse(tokens.accessToken, "wrong-anti-csrf")).rejects.toMatchObject({ type: Session.Error.TRY_REFRESH_TOKEN });
  expect(dc.exchanges.some((e) => e.path === "/appid-public/.well-known/jwks.json")).toBe(true);

  const refreshed = await Session.refreshSessionWithoutRequestResponse(tokens.refreshToken!, false, tokens.antiCsrfToken);
  const next = refreshed.getAllSessionTokensDangerously();
  expect(next.antiCsrfToken).toEqual(expect.any(String));
  expect(next.antiCsrfToken).not.toBe(tokens.antiCsrfToken);
  const again = await Session.getSessionWithoutRequestResponse(next.accessToken, next.antiCsrfToken);
  expect(again.getHandle()).toBe(session.getHandle());
  await expect(Session.refreshSessionWithoutRequestResponse(next.refreshToken!, false, "wrong")).rejects.toMatchObject({ type: Session.Error.UNAUTHORISED });
});
