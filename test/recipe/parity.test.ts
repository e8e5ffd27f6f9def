/**
 * Drop-in parity: one sequence of calls, written once against the
 * supertokens-node 24 module shapes, runs through supertokens-node and through
 * corelens (both initialised in this process, against the same dev core). The
 * transcripts — statuses, result fields, error types — must be equal once
 * values that differ by nature (ids, tokens, timestamps) are replaced by
 * placeholders that keep which values are equal to which.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import supertokens from "supertokens-node";
import STEmailPassword from "supertokens-node/recipe/emailpassword/index.js";
import STMultitenancy from "supertokens-node/recipe/multitenancy/index.js";
import STSession from "supertokens-node/recipe/session/index.js";
import STUserMetadata from "supertokens-node/recipe/usermetadata/index.js";
import corelens from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Multitenancy from "../../src/recipe/multitenancy/index.js";
import Session from "../../src/recipe/session/index.js";
import UserMetadata from "../../src/recipe/usermetadata/index.js";
import { startCoreProxy, type CoreProxy } from "./helpers/coreProxy.js";
import { APP_INFO, startCore, type DevCore } from "./helpers/setup.js";

/** The module surface both SDKs share (what an app imports). */
interface Sdk {
  root: any;
  EmailPassword: any;
  Session: any;
  UserMetadata: any;
  Multitenancy: any;
}

const corelensSdk: Sdk = { root: corelens, EmailPassword, Session, UserMetadata, Multitenancy };
const supertokensSdk: Sdk = {
  root: supertokens,
  EmailPassword: STEmailPassword,
  Session: STSession,
  UserMetadata: STUserMetadata,
  Multitenancy: STMultitenancy,
};

let core: DevCore;
let proxy: CoreProxy;

beforeAll(async () => {
  core = await startCore();
  proxy = await startCoreProxy(core.url);
  supertokens.init({
    supertokens: { connectionURI: proxy.url },
    appInfo: APP_INFO,
    recipeList: [STEmailPassword.init(), STSession.init(), STUserMetadata.init(), STMultitenancy.init()],
    telemetry: false,
  });
  corelens.init({
    supertokens: { connectionURI: proxy.url },
    appInfo: APP_INFO,
    recipeList: [EmailPassword.init(), Session.init(), UserMetadata.init(), Multitenancy.init()],
  });
});

afterAll(async () => {
  await corelens.close();
  await proxy.close();
  await core.close();
});

/** A session object, seen through its public getters. */
function sessionView(s: any): unknown {
  const tokens = s.getAllSessionTokensDangerously();
  return {
    userId: s.getUserId(),
    recipeUserId: s.getRecipeUserId().getAsString(),
    tenantId: s.getTenantId(),
    handle: s.getHandle(),
    payload: s.getAccessTokenPayload(),
    accessTokenIsCurrent: tokens.accessToken === s.getAccessToken(),
    updated: tokens.accessAndFrontTokenUpdated,
    hasRefreshToken: tokens.refreshToken !== undefined,
    antiCsrfToken: tokens.antiCsrfToken,
    front: JSON.parse(Buffer.from(tokens.frontToken, "base64").toString()),
  };
}

/** Plain data out of SDK objects (User.toJson(), RecipeUserId → string). */
function plain(v: any): any {
  if (v === null || typeof v !== "object") return v;
  if (typeof v.getAsString === "function") return { recipeUserId: v.getAsString() };
  if (typeof v.toJson === "function") return plain(v.toJson());
  if (Array.isArray(v)) return v.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (val !== undefined && typeof val !== "function") out[k] = plain(val);
  return out;
}

async function outcome(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    const v = await fn();
    return v === undefined ? { undefined: true } : plain(v);
  } catch (err: any) {
    return { error: err?.type ?? err?.constructor?.name, payload: plain(err?.payload) };
  }
}

/** The sequence an app would run; returns a transcript of results. */
async function run(sdk: Sdk, tag: string): Promise<[string, unknown][]> {
  const t: [string, unknown][] = [];
  const step = async (name: string, fn: () => Promise<unknown>) => {
    t.push([name, await outcome(fn)]);
  };
  const { root, EmailPassword: EP, Session: S, UserMetadata: UM, Multitenancy: MT } = sdk;
  const email = `${tag}-user@example.com`;
  const tenant = `${tag}-tenant`;

  const up = await EP.signUp("public", email, "password-123");
  t.push(["signUp", plain(up)]);
  await step("signUp again", () => EP.signUp("public", email, "password-123"));
  await step("signIn", () => EP.signIn("public", email, "password-123"));
  await step("signIn wrong password", () => EP.signIn("public", email, "wrong"));
  await step("signIn unknown email", () => EP.signIn("public", `${tag}-nobody@example.com`, "password-123"));
  await step("verifyCredentials", () => EP.verifyCredentials("public", email, "password-123"));
  await step("verifyCredentials wrong", () => EP.verifyCredentials("public", email, "nope"));

  await step("createOrUpdateTenant new", () => MT.createOrUpdateTenant(tenant, { firstFactors: ["emailpassword"] }));
  await step("createOrUpdateTenant again", () => MT.createOrUpdateTenant(tenant, { firstFactors: ["emailpassword"] }));
  await step("getTenant", () => MT.getTenant(tenant));
  await step("getTenant missing", () => MT.getTenant(`${tag}-missing`));
  await step("listAllTenants", async () => {
    const list = await MT.listAllTenants();
    return { ...list, tenants: list.tenants.filter((x: any) => x.tenantId === "public" || x.tenantId.includes(tag)) };
  });
  await step("signUp same email other tenant", () => EP.signUp(tenant, email, "password-456"));
  await step("signIn other tenant with public password", () => EP.signIn(tenant, email, "password-123"));

  await step("getUser", () => root.getUser(up.user.id));
  await step("getUser missing", () => root.getUser("no-such-user"));
  await step("convertToRecipeUserId", async () => root.convertToRecipeUserId("abc"));

  const s = await S.createNewSessionWithoutRequestResponse("public", up.recipeUserId, { a: 1, b: "x" }, { d: 1 });
  t.push(["createNewSession", plain(sessionView(s))]);
  const token = s.getAccessToken();
  const rt1 = s.getAllSessionTokensDangerously().refreshToken;
  await step("getSession", async () => sessionView(await S.getSessionWithoutRequestResponse(token)));
  await step("getSession checkDatabase", async () =>
    sessionView(await S.getSessionWithoutRequestResponse(token, undefined, { checkDatabase: true })),
  );
  await step("getSession malformed", () => S.getSessionWithoutRequestResponse("a.b.c"));
  await step("getSession malformed optional", () => S.getSessionWithoutRequestResponse("a.b.c", undefined, { sessionRequired: false }));
  await step("getSession tampered", () => {
    const [hd, , sig] = token.split(".");
    const fake = Buffer.from(JSON.stringify({ ...s.getAccessTokenPayload(), a: 2 })).toString("base64url");
    return S.getSessionWithoutRequestResponse(`${hd}.${fake}.${sig}`);
  });
  await step("getSessionInformation", () => S.getSessionInformation(s.getHandle()));
  await step("getSessionInformation missing", () => S.getSessionInformation("no-such-handle"));
  await step("updateSessionDataInDatabase", () => S.updateSessionDataInDatabase(s.getHandle(), { d: 2 }));
  await step("updateSessionDataInDatabase missing", () => S.updateSessionDataInDatabase("no-such-handle", { d: 2 }));
  await step("session.getSessionDataFromDatabase", () => s.getSessionDataFromDatabase());
  await step("mergeIntoAccessTokenPayload", () => S.mergeIntoAccessTokenPayload(s.getHandle(), { b: null, c: 3 }));
  await step("mergeIntoAccessTokenPayload missing", () => S.mergeIntoAccessTokenPayload("no-such-handle", { c: 3 }));
  await step("session info after merge", () => S.getSessionInformation(s.getHandle()));

  const verified = await S.getSessionWithoutRequestResponse(token);
  await step("session.mergeIntoAccessTokenPayload", async () => {
    await verified.mergeIntoAccessTokenPayload({ e: 5 });
    return sessionView(verified);
  });

  const refreshed = await S.refreshSessionWithoutRequestResponse(rt1);
  t.push(["refresh", plain(sessionView(refreshed))]);
  await step("getSession after refresh (promotion)", async () =>
    sessionView(await S.getSessionWithoutRequestResponse(refreshed.getAccessToken())),
  );
  await step("refresh with the old token (theft)", () => S.refreshSessionWithoutRequestResponse(rt1));
  await step("refresh garbage", () => S.refreshSessionWithoutRequestResponse("garbage"));

  const s2 = await S.createNewSessionWithoutRequestResponse(tenant, up.recipeUserId);
  t.push(["createNewSession in tenant", plain(sessionView(s2))]);
  await step("getAllSessionHandlesForUser count", async () => (await S.getAllSessionHandlesForUser(up.user.id)).length);
  await step("getAllSessionHandlesForUser tenant", async () => (await S.getAllSessionHandlesForUser(up.user.id, true, tenant)).length);
  await step("revokeAllSessionsForUser tenant", async () => (await S.revokeAllSessionsForUser(up.user.id, true, tenant)).length);
  const s3 = await S.createNewSessionWithoutRequestResponse("public", up.recipeUserId);
  await step("revokeMultipleSessions", async () => (await S.revokeMultipleSessions([s3.getHandle(), "no-such-handle"])).length);
  await step("revokeSession", () => S.revokeSession(s.getHandle()));
  await step("revokeSession again", () => S.revokeSession(s.getHandle()));
  await step("revokeAllSessionsForUser", async () => (await S.revokeAllSessionsForUser(up.user.id)).length);
  await step("getJWKS", async () => {
    const jwks = await S.getJWKS();
    return { kids: jwks.keys.map((k: any) => k.kid), hasValidity: typeof jwks.validityInSeconds === "number" };
  });

  await step("getUserMetadata empty", () => UM.getUserMetadata(up.user.id));
  await step("updateUserMetadata", () => UM.updateUserMetadata(up.user.id, { a: 1, b: { c: 2 } }));
  await step("updateUserMetadata delete key", () => UM.updateUserMetadata(up.user.id, { a: null }));
  await step("getUserMetadata", () => UM.getUserMetadata(up.user.id));
  await step("clearUserMetadata", () => UM.clearUserMetadata(up.user.id));

  await step("deleteUser", () => root.deleteUser(up.user.id));
  await step("getUser after delete", () => root.getUser(up.user.id));
  await step("deleteTenant", () => MT.deleteTenant(tenant));
  await step("deleteTenant again", () => MT.deleteTenant(tenant));
  return t;
}

/**
 * Replaces values that differ between the two runs by nature: the run's tag,
 * numbers (timestamps), and ids and tokens (by order of first appearance, so
 * "the same id as in step 3" survives the replacement).
 */
function normalise(transcript: [string, unknown][], tag: string): unknown {
  const ordinals = new Map<string, string>();
  const placeholder = (s: string) => {
    if (!ordinals.has(s)) ordinals.set(s, `<v${ordinals.size}>`);
    return ordinals.get(s)!;
  };
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const walk = (v: unknown): unknown => {
    if (typeof v === "number") return "<number>";
    if (typeof v === "string") {
      const s = v.replaceAll(tag, "<tag>");
      if (s.length > 60 && !s.includes(" ")) return placeholder(s); // tokens
      return s.replace(uuid, (m) => placeholder(m));
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = walk((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return transcript.map(([name, value]) => [name, walk(value)]);
}

it("the same calls give the same statuses and result fields through supertokens-node 24 and corelens", async () => {
  // Tags that appear in no other value (a tag like "st" would match "localhost").
  const st = await run(supertokensSdk, "qqsupertokens");
  const cl = await run(corelensSdk, "qqcorelens");
  const stN = normalise(st, "qqsupertokens") as [string, unknown][];
  const clN = normalise(cl, "qqcorelens") as [string, unknown][];
  // Step by step first, for a readable failure.
  for (let i = 0; i < stN.length; i++) expect(clN[i], `step ${stN[i]![0]}`).toEqual(stN[i]);
  expect(clN).toEqual(stN);
  // Sanity: the transcript holds real outcomes, not only placeholders.
  const statuses = JSON.stringify(stN);
  for (const s of ["EMAIL_ALREADY_EXISTS_ERROR", "WRONG_CREDENTIALS_ERROR", "TOKEN_THEFT_DETECTED", "TRY_REFRESH_TOKEN", "UNAUTHORISED"]) {
    expect(statuses).toContain(s);
  }
});
