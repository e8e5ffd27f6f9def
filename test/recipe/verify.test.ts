/**
 * Local access-token verification: signature against the core's JWKS (fetched
 * through the querier, cached by kid), expiry, structure, anti-CSRF, and the
 * rate-limited key-miss refresh. The "core" is a key server the test controls,
 * so tokens can be signed with any claims and keys; every request it gets is counted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import corelens, { CoreError } from "../../src/index.js";
import Session from "../../src/recipe/session/index.js";
import { startKeyServer, type KeyServer } from "./helpers/keyServer.js";
import { makeSigningKey, signToken, v5Claims, withPart, type TestSigningKey } from "./helpers/tokens.js";

const appInfo = { appName: "t", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" };

let ks: KeyServer;
let key: TestSigningKey;
const seenContexts: unknown[] = [];

function initWith(sessionConfig?: Parameters<typeof Session.init>[0]): void {
  corelens.init({
    supertokens: {
      connectionURI: ks.url,
      networkInterceptor: (req, uc) => {
        seenContexts.push(uc);
        return req;
      },
    },
    appInfo,
    recipeList: [Session.init(sessionConfig)],
  });
}

async function expectSessionError(p: Promise<unknown>, type: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${type}`).toBeInstanceOf(Session.Error);
  expect((err as InstanceType<typeof Session.Error>).type).toBe(type);
}

beforeAll(async () => {
  key = makeSigningKey("d-1000");
  ks = await startKeyServer([key.jwk]);
});

afterEach(async () => {
  await corelens.close();
  ks.keys = [key.jwk];
  ks.requests.length = 0;
  ks.jwksDelayMs = 0;
  ks.jwksFailing = false;
  seenContexts.length = 0;
});

afterAll(async () => {
  await ks.close();
});

describe("a valid token", () => {
  it("gives the session from its claims, and no core call once the keys are cached", async () => {
    initWith();
    const token = signToken(key, v5Claims({ sub: "primary-1", rsub: "recipe-1", tId: "tenant-a", sessionHandle: "h-1", custom: 7 }));
    const first = await Session.getSessionWithoutRequestResponse(token);
    expect(first.getUserId()).toBe("primary-1");
    expect(first.getRecipeUserId().getAsString()).toBe("recipe-1");
    expect(first.getTenantId()).toBe("tenant-a");
    expect(first.getHandle()).toBe("h-1");
    expect(first.getAccessToken()).toBe(token);
    expect(first.getAccessTokenPayload()).toMatchObject({ sub: "primary-1", custom: 7, sessionHandle: "h-1" });
    const tokens = first.getAllSessionTokensDangerously();
    expect(tokens.accessAndFrontTokenUpdated).toBe(false);
    expect(tokens.refreshToken).toBeUndefined();
    const front = JSON.parse(Buffer.from(tokens.frontToken, "base64").toString());
    expect(front.uid).toBe("primary-1");
    expect(front.up.custom).toBe(7);
    expect(ks.count("/.well-known/jwks.json")).toBe(1);

    const before = ks.requests.length;
    for (let i = 0; i < 200; i++) {
      const s = await Session.getSessionWithoutRequestResponse(token);
      expect(s.getHandle()).toBe("h-1");
    }
    expect(ks.requests.length).toBe(before);
  });

  it("shares one JWKS fetch among concurrent first callers", async () => {
    initWith();
    ks.jwksDelayMs = 50;
    const token = signToken(key, v5Claims());
    const sessions = await Promise.all(Array.from({ length: 40 }, () => Session.getSessionWithoutRequestResponse(token)));
    expect(sessions.every((s) => s.getUserId() === "user-1")).toBe(true);
    expect(ks.count("/.well-known/jwks.json")).toBe(1);
  });

  it("fetches the keys through the querier, with the caller's userContext reaching the interceptor", async () => {
    initWith();
    const userContext = { requestId: "r-1" };
    await Session.getSessionWithoutRequestResponse(signToken(key, v5Claims()), undefined, undefined, userContext);
    expect(seenContexts).toContain(userContext);
  });
});

describe("tokens rejected locally, without asking the core to verify", () => {
  it("tampered payload → TRY_REFRESH_TOKEN", async () => {
    initWith();
    const token = signToken(key, v5Claims({ sub: "alice" }));
    const tampered = withPart(token, 1, v5Claims({ sub: "mallory" }));
    await expectSessionError(Session.getSessionWithoutRequestResponse(tampered), "TRY_REFRESH_TOKEN");
    const badSig = withPart(token, 2, "A".repeat(342));
    await expectSessionError(Session.getSessionWithoutRequestResponse(badSig), "TRY_REFRESH_TOKEN");
    expect(ks.count("/recipe/session/verify")).toBe(0);
  });

  it("expired → TRY_REFRESH_TOKEN", async () => {
    initWith();
    const now = Math.floor(Date.now() / 1000);
    await expectSessionError(
      Session.getSessionWithoutRequestResponse(signToken(key, v5Claims({ iat: now - 100, exp: now - 1 }))),
      "TRY_REFRESH_TOKEN",
    );
    await expectSessionError(
      Session.getSessionWithoutRequestResponse(signToken(key, v5Claims({ nbf: now + 600 }))),
      "TRY_REFRESH_TOKEN",
    );
  });

  it("signed by a key the core does not have (same kid) → TRY_REFRESH_TOKEN", async () => {
    initWith();
    const foreign = makeSigningKey(key.kid);
    await expectSessionError(Session.getSessionWithoutRequestResponse(signToken(foreign, v5Claims())), "TRY_REFRESH_TOKEN");
  });

  it("algorithm other than RS256 (none, HS256) → TRY_REFRESH_TOKEN", async () => {
    initWith();
    const token = signToken(key, v5Claims());
    const none = withPart(withPart(token, 0, { alg: "none", typ: "JWT", kid: key.kid, version: "5" }), 2, "");
    await expectSessionError(Session.getSessionWithoutRequestResponse(none), "TRY_REFRESH_TOKEN");
    const hs = signToken(key, v5Claims(), { alg: "HS256", typ: "JWT", kid: key.kid, version: "5" });
    await expectSessionError(Session.getSessionWithoutRequestResponse(hs), "TRY_REFRESH_TOKEN");
  });

  it("a static-key (s-) token under the default dynamic-key config → TRY_REFRESH_TOKEN", async () => {
    const staticKey = makeSigningKey("s-abc");
    ks.keys = [key.jwk, staticKey.jwk];
    initWith();
    await expectSessionError(Session.getSessionWithoutRequestResponse(signToken(staticKey, v5Claims())), "TRY_REFRESH_TOKEN");
  });

  it("keys shorter than 2048 bits are not trusted", async () => {
    const weak = makeSigningKey("d-weak", 1024);
    ks.keys = [weak.jwk];
    initWith();
    await expectSessionError(Session.getSessionWithoutRequestResponse(signToken(weak, v5Claims())), "TRY_REFRESH_TOKEN");
  });

  it("not a session token → UNAUTHORISED (clearTokens false), or undefined with sessionRequired false", async () => {
    initWith();
    for (const bad of [
      "a.b.c",
      "not-a-jwt",
      signToken(key, v5Claims({ rsub: undefined })),
      signToken(key, v5Claims({ exp: "later" })),
      signToken(key, v5Claims({ stt: 1 })),
      signToken(key, v5Claims(), { alg: "RS256", typ: "JWT", kid: key.kid, version: 5 }),
      signToken(key, v5Claims(), { alg: "RS256", typ: "JWT", version: "5" }),
      signToken(key, v5Claims(), { alg: "RS256", typ: "JWS", kid: key.kid, version: "5" }),
    ]) {
      const err = await Session.getSessionWithoutRequestResponse(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Session.Error);
      expect((err as InstanceType<typeof Session.Error>).type).toBe("UNAUTHORISED");
      expect((err as InstanceType<typeof Session.Error>).payload).toEqual({ clearTokens: false });
      await expect(Session.getSessionWithoutRequestResponse(bad, undefined, { sessionRequired: false })).resolves.toBeUndefined();
    }
    await expectSessionError(Session.getSessionWithoutRequestResponse(undefined as unknown as string), "UNAUTHORISED");
    await expect(
      Session.getSessionWithoutRequestResponse(undefined as unknown as string, undefined, { sessionRequired: false }),
    ).resolves.toBeUndefined();
    // Parsing failures never reach the network.
    expect(ks.requests.length).toBe(0);
  });

  it("anti-CSRF VIA_TOKEN: the token's claim must match the one given", async () => {
    initWith({ antiCsrf: "VIA_TOKEN" });
    const token = signToken(key, v5Claims({ antiCsrfToken: "csrf-1" }));
    await expect(Session.getSessionWithoutRequestResponse(token, "csrf-1")).resolves.toBeDefined();
    await expectSessionError(Session.getSessionWithoutRequestResponse(token, "csrf-2"), "TRY_REFRESH_TOKEN");
    await expectSessionError(Session.getSessionWithoutRequestResponse(token), "TRY_REFRESH_TOKEN");
    await expect(Session.getSessionWithoutRequestResponse(token, undefined, { antiCsrfCheck: false })).resolves.toBeDefined();
    const noClaim = signToken(key, v5Claims());
    await expectSessionError(Session.getSessionWithoutRequestResponse(noClaim, "csrf-1"), "TRY_REFRESH_TOKEN");
  });

  it("anti-CSRF VIA_CUSTOM_HEADER cannot be checked here: a clear error unless antiCsrfCheck is false", async () => {
    initWith({ antiCsrf: "VIA_CUSTOM_HEADER" });
    const token = signToken(key, v5Claims());
    await expect(Session.getSessionWithoutRequestResponse(token)).rejects.toThrow(/antiCsrfCheck: false/);
    await expect(Session.getSessionWithoutRequestResponse(token, undefined, { antiCsrfCheck: false })).resolves.toBeDefined();
  });
});

describe("a token that verified before", () => {
  it("is still rejected once it expires (expiry is checked on every call)", async () => {
    initWith();
    const exp = Math.floor(Date.now() / 1000) + 2; // at least a second left for the first check
    const token = signToken(key, v5Claims({ exp }));
    await expect(Session.getSessionWithoutRequestResponse(token)).resolves.toBeDefined();
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    await expectSessionError(Session.getSessionWithoutRequestResponse(token), "TRY_REFRESH_TOKEN");
  });

  it("is rejected once its key is gone from the core's JWKS", async () => {
    initWith({ jwksRefreshIntervalSec: 0.5 });
    const token = signToken(key, v5Claims());
    await expect(Session.getSessionWithoutRequestResponse(token)).resolves.toBeDefined();
    ks.keys = [makeSigningKey("d-other").jwk];
    await new Promise((r) => setTimeout(r, 1100)); // past the refresh interval and the miss interval
    await expectSessionError(Session.getSessionWithoutRequestResponse(token), "TRY_REFRESH_TOKEN");
    expect(ks.count("/.well-known/jwks.json")).toBe(2);
  });
});

describe("the JWKS cache", () => {
  it("a flood of unknown-kid tokens costs at most one refetch per interval", async () => {
    initWith();
    await Session.getSessionWithoutRequestResponse(signToken(key, v5Claims())); // warm: 1 fetch
    const strangers = Array.from({ length: 4 }, (_, i) => makeSigningKey(`d-stranger-${i}`));
    const started = performance.now();
    const flood = Array.from({ length: 400 }, (_, i) => signToken(strangers[i % strangers.length]!, v5Claims()));
    const results = await Promise.allSettled(flood.map((t) => Session.getSessionWithoutRequestResponse(t)));
    expect(results.every((r) => r.status === "rejected" && (r.reason as { type: string }).type === "TRY_REFRESH_TOKEN")).toBe(true);
    for (const t of flood.slice(0, 100)) {
      await expectSessionError(Session.getSessionWithoutRequestResponse(t), "TRY_REFRESH_TOKEN");
    }
    // The rule: at most one key-miss refetch per 1 s interval. Without it, this would be ~500 fetches.
    const intervals = Math.floor((performance.now() - started) / 1000) + 1;
    expect(ks.count("/.well-known/jwks.json")).toBeLessThanOrEqual(1 + intervals);
  });

  it("picks up a key the core starts using (rotation), with one refetch", async () => {
    initWith();
    await Session.getSessionWithoutRequestResponse(signToken(key, v5Claims()));
    const rotated = makeSigningKey("d-2000");
    ks.keys = [rotated.jwk, key.jwk];
    // After the miss interval, an unknown kid triggers one refetch and the token verifies.
    await new Promise((r) => setTimeout(r, 1100));
    const s = await Session.getSessionWithoutRequestResponse(signToken(rotated, v5Claims({ sub: "rotated" })));
    expect(s.getUserId()).toBe("rotated");
    expect(ks.count("/.well-known/jwks.json")).toBe(2);
    // The old key still verifies from the cache.
    await Session.getSessionWithoutRequestResponse(signToken(key, v5Claims()));
    expect(ks.count("/.well-known/jwks.json")).toBe(2);
  });

  it("a failing refetch keeps the keys already known; with none known, the core's error is reported as is", async () => {
    initWith({ jwksRefreshIntervalSec: 0.5 });
    const token = signToken(key, v5Claims());
    await Session.getSessionWithoutRequestResponse(token);
    ks.jwksFailing = true;
    await new Promise((r) => setTimeout(r, 1100)); // the cached keys are now due for a refetch
    const s = await Session.getSessionWithoutRequestResponse(token);
    expect(s.getUserId()).toBe("user-1");
    expect(ks.count("/.well-known/jwks.json")).toBe(2);

    await corelens.close();
    initWith(); // a fresh cache: no keys known
    const err = await Session.getSessionWithoutRequestResponse(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect(err).not.toBeInstanceOf(Session.Error);
    // Callers inside the refetch cooldown get the same answer, not a TRY_REFRESH_TOKEN.
    const again = await Session.getSessionWithoutRequestResponse(token).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(CoreError);
    expect(again).not.toBeInstanceOf(Session.Error);
  });

  it("getJWKS fetches the key set through the querier and feeds the verification cache", async () => {
    initWith();
    const jwks = await Session.getJWKS();
    expect(jwks.keys.map((k) => k.kid)).toEqual([key.kid]);
    expect(typeof jwks.validityInSeconds).toBe("number");
    await Session.getSessionWithoutRequestResponse(signToken(key, v5Claims()));
    expect(ks.count("/.well-known/jwks.json")).toBe(1);
  });
});
