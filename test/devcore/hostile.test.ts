/**
 * Hostile input at every route: wrong types, huge strings, deep nesting,
 * unicode oddities and prototype-pollution keys, in bodies, queries and paths.
 * The dev core must answer each with a 2xx/4xx (never a 500 or a dropped
 * connection), keep the data written before intact, pollute no prototype,
 * and still answer afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_ROUTES } from "../../src/devcore/routes/index.js";
import { call, expectCdiConformance, startObservedDevCore, type ObservedDevCore } from "./helpers/devcore.js";

const dir = mkdtempSync(join(tmpdir(), "corelens-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = [
  "email", "password", "userId", "recipeUserId", "userDataInJWT", "userDataInDatabase", "enableAntiCsrf", "useDynamicSigningKey",
  "accessToken", "refreshToken", "antiCsrfToken", "doAntiCsrfCheck", "checkDatabase", "sessionHandle", "sessionHandles",
  "revokeAcrossAllTenants", "revokeSessionsForLinkedAccounts", "metadataUpdate", "tenantId", "firstFactors",
  "requiredSecondaryFactors", "coreConfig", "removeAllLinkedAccounts",
];
const QUERY_FIELDS = ["userId", "email", "sessionHandle", "fetchAcrossAllTenants", "fetchSessionsForAllLinkedAccounts", "doUnionOfAccountInfo"];

const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const pollution = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"toString":"x","hasOwnProperty":1}';
const big = "x".repeat(20_000);
const allFields = (json: string) => "{" + FIELDS.map((f) => `${JSON.stringify(f)}:${json}`).join(",") + "}";

/** Raw JSON texts: every field set to one hostile value, plus malformed and oversized bodies. */
const HOSTILE_BODIES: string[] = [
  ...["1", "-1e309", "true", "null", "[]", "[1,2]", '""', "{}", pollution, '"\\ud800\\u0000\\u202e\\ud83d\\ude00é"', deep(80)].map(allFields),
  pollution,
  `{"email":"a@b.c","password":"p","userId":"u","userDataInJWT":${pollution},"userDataInDatabase":${pollution},"metadataUpdate":${pollution},"coreConfig":${pollution},"enableAntiCsrf":false,"tenantId":"created-by-hostile-body"}`,
  '{"email": "a", "email": 5}',
  "\u0000\u0001",
  "{".repeat(10_000),
  '{"a":"\\ud800"',
];

/** Large bodies cost time to send, so they go once per route (without prefixes). */
const LARGE_BODIES: string[] = [allFields(JSON.stringify(big)), `{"a":${deep(100_000)}}`, `{"email":${JSON.stringify("y".repeat(2_100_000))}}`];

const HOSTILE_QUERY_VALUES = ["", "%00", "%ED%A0%80", "__proto__", "constructor", "toString", "%F0%9F%98%80", "z".repeat(2_000), "a&userId=b", "true%00"];

async function limited<T>(tasks: Array<() => Promise<T>>, concurrency: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

describe.each([
  { storage: "memory", dataFile: undefined },
  { storage: "sqlite", dataFile: join(dir, "hostile.db") },
])("on $storage storage", ({ dataFile }) => {
  let dc: ObservedDevCore;
  beforeAll(async () => {
    dc = await startObservedDevCore({ dataFile });
  });
  afterAll(async () => {
    await dc.core.close();
    expectCdiConformance(dc);
  });

  it("answers hostile input at every route without crashing, corrupting data or polluting prototypes", async () => {
    // Data written before the barrage.
    const up = await call(dc.core, "POST", "/recipe/signup", { email: "before@example.com", password: "before-pw" });
    const userId = up.json.recipeUserId as string;
    await call(dc.core, "PUT", "/recipe/user/metadata", { userId, metadataUpdate: { plan: "gold", nested: { n: [1, 2] } } });
    await call(dc.core, "PUT", "/recipe/multitenancy/tenant/v2", { tenantId: "hostile", firstFactors: ["emailpassword"] });
    const session = await call(dc.core, "POST", "/recipe/session", { userId, userDataInJWT: { k: "v" }, userDataInDatabase: { d: 1 }, enableAntiCsrf: false });
    const handle = session.json.session.handle as string;
    const snapshot = async () => ({
      user: (await call(dc.core, "GET", `/user/id?userId=${userId}`)).json,
      metadata: (await call(dc.core, "GET", `/recipe/user/metadata?userId=${userId}`)).json,
      session: (await call(dc.core, "GET", `/recipe/session?sessionHandle=${handle}`)).json,
      tenant: (await call(dc.core, "GET", "/hostile/recipe/multitenancy/tenant/v2")).json,
    });
    const before = await snapshot();

    const tasks: Array<() => Promise<number>> = [];
    for (const route of ALL_ROUTES) {
      const prefixes = route.tenantScoped ? ["", "/appid-public/hostile"] : ["", "/appid-public"];
      for (const prefix of prefixes) {
        const path = prefix + (route.path === "/" ? "/" : route.path);
        if (route.method === "GET") {
          for (const value of HOSTILE_QUERY_VALUES) {
            const query = QUERY_FIELDS.map((f) => `${f}=${value}`).join("&");
            tasks.push(async () => (await call(dc.core, "GET", `${path}?${query}`)).status);
          }
        } else {
          const bodies = prefix === "" ? [...HOSTILE_BODIES, ...LARGE_BODIES] : HOSTILE_BODIES;
        for (const body of bodies) tasks.push(async () => (await call(dc.core, route.method, path, body)).status);
        }
      }
    }
    for (const path of ["/%2e%2e/recipe/signup", "/appid-public/../hello", "/__proto__/recipe/signup", "/constructor/recipe/signup", "/" + "a".repeat(4000), "//recipe//signup", "/recipe/signup%00"]) {
      tasks.push(async () => (await call(dc.core, "POST", path, pollution)).status);
    }
    const statuses = await limited(tasks, 8);

    expect(statuses.length).toBeGreaterThan(500);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([200, 400, 404, 413]));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");

    // Still answering, and the earlier data is exactly as it was.
    expect((await call(dc.core, "GET", "/hello")).text).toBe("Hello");
    expect(await snapshot()).toEqual(before);
    expect((await call(dc.core, "POST", "/recipe/signin", { email: "before@example.com", password: "before-pw" })).json.recipeUserId).toBe(userId);
    const verify = await call(dc.core, "POST", "/recipe/session/verify", { accessToken: session.json.accessToken.token, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: true });
    expect(verify.json.status).toBe("OK");
  }, 90_000);

  it("stores prototype-named keys as plain data", async () => {
    const res = await call(dc.core, "PUT", "/recipe/user/metadata", `{"userId":"proto-user","metadataUpdate":${pollution}}`);
    expect(res.status).toBe(200);
    const stored = (await call(dc.core, "GET", "/recipe/user/metadata?userId=proto-user")).text;
    expect(JSON.parse(stored).metadata).toEqual(JSON.parse(pollution));
    expect(stored).toContain('"__proto__":{"polluted":true}');
    const s = await call(dc.core, "POST", "/recipe/session", `{"userId":"proto-user","userDataInJWT":${pollution},"userDataInDatabase":{},"enableAntiCsrf":false}`);
    const payload = JSON.parse(Buffer.from((s.json.accessToken.token as string).split(".")[1]!, "base64url").toString());
    expect(Object.keys(payload)).toEqual(expect.arrayContaining(["__proto__", "constructor", "sub", "rsub"]));
  });
});
