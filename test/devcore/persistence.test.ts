/**
 * --data FILE: everything survives a restart, with each SQLite binding present
 * on this Node (better-sqlite3 on Node 20 and 22; node:sqlite on Node >= 22.5).
 * Tokens issued before the restart still verify: the signing keys and the
 * refresh-token key live in the file too.
 */
import { createPublicKey, verify as verifySignature, type JsonWebKey } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DevCoreStorageError } from "../../src/devcore/index.js";
import { betterSqlite3Driver, nodeSqliteDriver, openSqliteBackend, type SqliteDriver } from "../../src/devcore/storage/sqlite.js";
import { call, expectCdiConformance, startObservedDevCore, type ObservedDevCore } from "./helpers/devcore.js";

const dir = mkdtempSync(join(tmpdir(), "corelens-devcore-"));
const observed: ObservedDevCore[] = [];

async function loads(driver: SqliteDriver): Promise<boolean> {
  try {
    const backend = await openSqliteBackend(":memory:", [driver]);
    backend.close();
    return true;
  } catch {
    return false;
  }
}

const available: SqliteDriver[] = [];
for (const driver of [betterSqlite3Driver, nodeSqliteDriver]) if (await loads(driver)) available.push(driver);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expectCdiConformance(...observed);
});

it("has a SQLite binding on this Node: better-sqlite3 (optional dependency) on Node 20, node:sqlite from Node 22.13", () => {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const names = available.map((d) => d.name);
  if (major > 22 || (major === 22 && minor >= 13)) expect(names).toContain("node:sqlite");
  else expect(names).toContain("better-sqlite3");
});

describe.each(available)("with $name", (driver) => {
  it("keeps users, metadata, tenants, sessions and signing keys across a restart", async () => {
    const dataFile = join(dir, `${driver.name.replace(/\W/g, "_")}.db`);
    const start = async () => {
      const dc = await startObservedDevCore({ dataFile }, [driver]);
      observed.push(dc);
      expect(dc.core.storage).toBe(driver.name);
      return dc.core;
    };

    let core = await start();
    const up = await call(core, "POST", "/recipe/signup", { email: "keep@example.com", password: "pw" });
    const userId = up.json.recipeUserId as string;
    await call(core, "PUT", "/recipe/user/metadata", { userId, metadataUpdate: { kept: true } });
    await call(core, "PUT", "/recipe/multitenancy/tenant/v2", { tenantId: "kept-tenant", firstFactors: ["emailpassword"] });
    await call(core, "POST", "/kept-tenant/recipe/signup", { email: "keep@example.com", password: "tenant-pw" });
    const session = await call(core, "POST", "/recipe/session", { userId, userDataInJWT: { k: 1 }, userDataInDatabase: { d: 1 }, enableAntiCsrf: false });
    const accessToken = session.json.accessToken.token as string;
    const refreshToken = session.json.refreshToken.token as string;
    const kidsBefore = (await call(core, "GET", "/.well-known/jwks.json")).json.keys.map((k: { kid: string }) => k.kid);
    await core.close();

    core = await start();
    expect((await call(core, "POST", "/recipe/signin", { email: "keep@example.com", password: "pw" })).json.recipeUserId).toBe(userId);
    expect((await call(core, "POST", "/kept-tenant/recipe/signin", { email: "keep@example.com", password: "tenant-pw" })).json.status).toBe("OK");
    expect((await call(core, "GET", `/recipe/user/metadata?userId=${userId}`)).json.metadata).toEqual({ kept: true });
    expect((await call(core, "GET", "/kept-tenant/recipe/multitenancy/tenant/v2")).json.firstFactors).toEqual(["emailpassword"]);
    expect((await call(core, "GET", `/recipe/session?sessionHandle=${session.json.session.handle}`)).json.userDataInDatabase).toEqual({ d: 1 });

    // The old access token verifies against the restarted core's JWKS, as an SDK would check it...
    const jwks = (await call(core, "GET", "/.well-known/jwks.json")).json.keys as Array<JsonWebKey & { kid: string }>;
    expect(jwks.map((k) => k.kid)).toEqual(kidsBefore);
    const [h, p, s] = accessToken.split(".") as [string, string, string];
    const kid = JSON.parse(Buffer.from(h, "base64url").toString()).kid as string;
    const jwk = jwks.find((k) => k.kid === kid)!;
    expect(verifySignature("sha256", Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s, "base64url"))).toBe(true);
    // ...and with the core itself, checking the database.
    const verified = await call(core, "POST", "/recipe/session/verify", { accessToken, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: true });
    expect(verified.json).toMatchObject({ status: "OK", session: { userId } });
    // The old refresh token still refreshes: the refresh-token key persisted.
    expect((await call(core, "POST", "/recipe/session/refresh", { refreshToken, enableAntiCsrf: false, useDynamicSigningKey: true })).json.status).toBe("OK");
    await core.close();
  });
});

describe("data file errors", () => {
  it("says to install better-sqlite3 when no SQLite binding loads", async () => {
    const missing: SqliteDriver = {
      name: "absent-binding",
      open: () => Promise.reject(Object.assign(new Error("Cannot find package 'absent-binding'"), { code: "ERR_MODULE_NOT_FOUND" })),
    };
    const attempt = startObservedDevCore({ dataFile: join(dir, "never.db") }, [missing]);
    await expect(attempt).rejects.toBeInstanceOf(DevCoreStorageError);
    await expect(attempt).rejects.toThrow(/npm install better-sqlite3/);
  });

  it("refuses a file that is not a dev core database, naming the file", async () => {
    const junk = join(dir, "junk.db");
    writeFileSync(junk, "this is not sqlite ".repeat(100));
    await expect(openSqliteBackend(junk, available)).rejects.toThrow(/junk\.db/);
  });
});
