/**
 * Email-password, the root user functions, user metadata and multitenancy
 * against the dev core: each function's success and documented failures, and
 * tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import corelens, { convertToRecipeUserId, deleteUser, getUser, RecipeUserId, User } from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Multitenancy from "../../src/recipe/multitenancy/index.js";
import UserMetadata from "../../src/recipe/usermetadata/index.js";
import { freshEmail, startHarness, type Harness } from "./helpers/setup.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

describe("EmailPassword", () => {
  it("signUp: OK with the user and recipe user id, then EMAIL_ALREADY_EXISTS_ERROR", async () => {
    const email = freshEmail("ep");
    const res = await EmailPassword.signUp("public", email, "password-123");
    expect(res.status).toBe("OK");
    if (res.status !== "OK") return;
    expect(res.user).toBeInstanceOf(User);
    expect(res.recipeUserId).toBeInstanceOf(RecipeUserId);
    expect(res.user.emails).toEqual([email]);
    expect(res.user.tenantIds).toEqual(["public"]);
    expect(res.user.isPrimaryUser).toBe(false);
    expect(res.user.loginMethods).toHaveLength(1);
    const lm = res.user.loginMethods[0]!;
    expect(lm.recipeId).toBe("emailpassword");
    expect(lm.recipeUserId.getAsString()).toBe(res.recipeUserId.getAsString());
    expect(lm.verified).toBe(false);
    expect(lm.hasSameEmailAs(` ${email.toUpperCase()} `)).toBe(true);
    expect(res.user.toJson()).toMatchObject({ id: res.user.id, emails: [email] });
    expect(JSON.parse(JSON.stringify(res.recipeUserId))).toEqual({ recipeUserId: res.recipeUserId.getAsString() });

    expect(await EmailPassword.signUp("public", email, "another-password")).toEqual({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
  });

  it("signIn: OK with the same user; WRONG_CREDENTIALS_ERROR for a wrong password or unknown email", async () => {
    const email = freshEmail("ep");
    const up = await EmailPassword.signUp("public", email, "password-123");
    if (up.status !== "OK") throw new Error("sign up failed");
    const res = await EmailPassword.signIn("public", email, "password-123");
    expect(res.status).toBe("OK");
    if (res.status !== "OK") return;
    expect(res.user.id).toBe(up.user.id);
    expect(res.recipeUserId.getAsString()).toBe(up.recipeUserId.getAsString());
    expect(await EmailPassword.signIn("public", email, "wrong-password")).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    expect(await EmailPassword.signIn("public", freshEmail("nobody"), "password-123")).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
  });

  it("verifyCredentials: only a status, OK or WRONG_CREDENTIALS_ERROR", async () => {
    const email = freshEmail("ep");
    await EmailPassword.signUp("public", email, "password-123");
    expect(await EmailPassword.verifyCredentials("public", email, "password-123")).toEqual({ status: "OK" });
    expect(await EmailPassword.verifyCredentials("public", email, "nope")).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
  });

  it("an undefined tenant is the public tenant", async () => {
    const email = freshEmail("ep");
    await EmailPassword.signUp(undefined as unknown as string, email, "password-123");
    expect((await EmailPassword.signIn("public", email, "password-123")).status).toBe("OK");
  });

  it("refuses a session argument (account linking) and bad arguments with a clear error", async () => {
    await expect(EmailPassword.signUp("public", freshEmail(), "pw", {} as unknown as undefined)).rejects.toThrow(/account linking/);
    await expect(EmailPassword.signIn("public", 42 as unknown as string, "pw")).rejects.toThrow(/email must be a string/);
  });
});

describe("tenant isolation", () => {
  it("the same email in two tenants is two users, with separate passwords", async () => {
    expect(await Multitenancy.createOrUpdateTenant("iso-a", { firstFactors: ["emailpassword"] })).toEqual({ status: "OK", createdNew: true });
    const email = freshEmail("iso");
    const pub = await EmailPassword.signUp("public", email, "public-password");
    const a = await EmailPassword.signUp("iso-a", email, "tenant-password");
    if (pub.status !== "OK" || a.status !== "OK") throw new Error("sign up failed");
    expect(a.user.id).not.toBe(pub.user.id);
    expect(a.user.tenantIds).toEqual(["iso-a"]);
    expect((await EmailPassword.signIn("iso-a", email, "tenant-password")).status).toBe("OK");
    expect((await EmailPassword.signIn("iso-a", email, "public-password")).status).toBe("WRONG_CREDENTIALS_ERROR");
    expect((await EmailPassword.signIn("public", email, "tenant-password")).status).toBe("WRONG_CREDENTIALS_ERROR");
    const other = freshEmail("iso-only");
    await EmailPassword.signUp("iso-a", other, "pw-12345");
    expect((await EmailPassword.signIn("public", other, "pw-12345")).status).toBe("WRONG_CREDENTIALS_ERROR");
  });
});

describe("root user functions", () => {
  it("getUser: the user, or undefined; deleteUser removes it; convertToRecipeUserId wraps a string", async () => {
    const email = freshEmail("root");
    const up = await EmailPassword.signUp("public", email, "password-123");
    if (up.status !== "OK") throw new Error("sign up failed");
    const user = await getUser(up.user.id);
    expect(user).toBeInstanceOf(User);
    expect(user!.toJson()).toEqual(up.user.toJson());
    expect(await getUser("no-such-user")).toBeUndefined();
    expect(await deleteUser(up.user.id)).toEqual({ status: "OK" });
    expect(await getUser(up.user.id)).toBeUndefined();
    expect((await EmailPassword.signIn("public", email, "password-123")).status).toBe("WRONG_CREDENTIALS_ERROR");
    expect(await corelens.deleteUser("no-such-user")).toEqual({ status: "OK" });
    const rid = convertToRecipeUserId("abc");
    expect(rid).toBeInstanceOf(RecipeUserId);
    expect(rid.getAsString()).toBe("abc");
    expect(() => convertToRecipeUserId(undefined as unknown as string)).toThrow(/RecipeUserId needs a string/);
  });
});

describe("UserMetadata", () => {
  it("get (empty first), update (shallow merge, null deletes), clear", async () => {
    const userId = `meta-${Math.random()}`;
    expect(await UserMetadata.getUserMetadata(userId)).toEqual({ status: "OK", metadata: {} });
    expect(await UserMetadata.updateUserMetadata(userId, { a: 1, nested: { x: 1 } })).toEqual({
      status: "OK",
      metadata: { a: 1, nested: { x: 1 } },
    });
    expect(await UserMetadata.updateUserMetadata(userId, { a: null, nested: { y: 2 }, b: "two" })).toEqual({
      status: "OK",
      metadata: { nested: { y: 2 }, b: "two" },
    });
    expect(await UserMetadata.getUserMetadata(userId)).toEqual({ status: "OK", metadata: { nested: { y: 2 }, b: "two" } });
    expect(await UserMetadata.clearUserMetadata(userId)).toEqual({ status: "OK" });
    expect(await UserMetadata.getUserMetadata(userId)).toEqual({ status: "OK", metadata: {} });
  });

  it("refuses a non-object update with a clear error", async () => {
    await expect(UserMetadata.updateUserMetadata("u", [] as unknown as Record<string, unknown>)).rejects.toThrow(/JSON object/);
  });
});

describe("Multitenancy", () => {
  it("createOrUpdateTenant, getTenant, listAllTenants, deleteTenant", async () => {
    expect(await Multitenancy.createOrUpdateTenant("mt-1", { firstFactors: ["emailpassword"] })).toEqual({ status: "OK", createdNew: true });
    expect(await Multitenancy.createOrUpdateTenant("mt-1", { firstFactors: ["emailpassword", "thirdparty"] })).toEqual({
      status: "OK",
      createdNew: false,
    });
    const tenant = await Multitenancy.getTenant("mt-1");
    expect(tenant).toMatchObject({ status: "OK", tenantId: "mt-1", thirdParty: { providers: [] }, firstFactors: ["emailpassword", "thirdparty"] });
    expect(tenant!.coreConfig).toEqual({});
    expect(await Multitenancy.getTenant("mt-missing")).toBeUndefined();
    const list = await Multitenancy.listAllTenants();
    expect(list.status).toBe("OK");
    const ids = list.tenants.map((t) => t.tenantId);
    expect(ids).toContain("public");
    expect(ids).toContain("mt-1");
    expect(await Multitenancy.deleteTenant("mt-1")).toEqual({ status: "OK", didExist: true });
    expect(await Multitenancy.deleteTenant("mt-1")).toEqual({ status: "OK", didExist: false });
    expect(await Multitenancy.getTenant("mt-1")).toBeUndefined();
  });
});
