/** Email-password recipe: sign up, sign in, and the deprecated get-user. Users are separate per tenant. */
import { randomUUID } from "node:crypto";
import { badRequest, json, ok } from "../http.js";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../passwords.js";
import type { Route } from "../router.js";
import { normaliseEmail, userJson } from "./users.js";

export const emailPasswordRoutes: Route[] = [
  {
    method: "POST",
    path: "/recipe/signup",
    tenantScoped: true,
    handle: async ({ state, appId, tenantId, body }) => {
      const input = body();
      const email = normaliseEmail(input.string("email"));
      const password = input.string("password");
      if (state.store.userIdByEmail(appId, tenantId, email) !== undefined) return json({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
      const passwordHash = await hashPassword(password);
      // Check again after the await: a concurrent sign-up may have taken the email meanwhile.
      const user = state.store.transaction(() => {
        if (state.store.userIdByEmail(appId, tenantId, email) !== undefined) return undefined;
        const created = { id: randomUUID(), email, passwordHash, timeJoined: state.now(), tenantIds: [tenantId] };
        state.store.putUser(appId, created);
        return created;
      });
      if (!user) return json({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
      return ok({ user: userJson(user), recipeUserId: user.id });
    },
  },
  {
    method: "POST",
    path: "/recipe/signin",
    tenantScoped: true,
    handle: async ({ state, appId, tenantId, body }) => {
      const input = body();
      const email = normaliseEmail(input.string("email"));
      const password = input.string("password");
      const id = state.store.userIdByEmail(appId, tenantId, email);
      const user = id === undefined ? undefined : state.store.getUser(appId, id);
      const valid = user ? await verifyPassword(password, user.passwordHash) : await burnPasswordCheck(password);
      if (!user || !valid) return json({ status: "WRONG_CREDENTIALS_ERROR" });
      return ok({ user: userJson(user), recipeUserId: user.id });
    },
  },
  {
    method: "GET",
    path: "/recipe/user",
    tenantScoped: true,
    handle: ({ state, appId, tenantId, query }) => {
      const userId = query.optionalString("userId");
      const email = query.optionalString("email");
      if ((userId === undefined) === (email === undefined)) throw badRequest("Please provide exactly one of email or userId");
      if (userId !== undefined) {
        const user = state.store.getUser(appId, userId);
        return user ? ok({ user: userJson(user) }) : json({ status: "UNKNOWN_USER_ID_ERROR" });
      }
      const id = state.store.userIdByEmail(appId, tenantId, normaliseEmail(email!));
      const user = id === undefined ? undefined : state.store.getUser(appId, id);
      return user ? ok({ user: userJson(user) }) : json({ status: "UNKNOWN_EMAIL_ERROR" });
    },
  },
];
