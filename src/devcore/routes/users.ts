/** Users across recipes: the CDI user object, get by id, delete. */
import { json, ok } from "../http.js";
import type { Route } from "../router.js";
import type { DevCoreState } from "../state.js";
import type { UserRecord } from "../storage/store.js";

/** The CDI (>= 5.3) user object for an email-password user with no linked accounts. */
export function userJson(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    isPrimaryUser: false,
    tenantIds: [...user.tenantIds],
    timeJoined: user.timeJoined,
    emails: [user.email],
    phoneNumbers: [],
    thirdParty: [],
    webauthn: { credentialIds: [] },
    loginMethods: [
      {
        tenantIds: [...user.tenantIds],
        recipeUserId: user.id,
        verified: false,
        timeJoined: user.timeJoined,
        recipeId: "emailpassword",
        email: user.email,
      },
    ],
  };
}

/** Removes a user and everything the core removes with it: sessions and metadata. */
export function removeUser(state: DevCoreState, app: string, userId: string): void {
  state.store.transaction(() => {
    for (const handle of state.store.sessionHandlesOfUser(app, userId)) state.store.deleteSession(app, handle);
    state.store.deleteMetadata(app, userId);
    state.store.deleteUser(app, userId);
  });
}

export const userRoutes: Route[] = [
  {
    method: "GET",
    path: "/user/id",
    tenantScoped: false,
    handle: ({ state, appId, query }) => {
      const user = state.store.getUser(appId, query.string("userId"));
      return user ? ok({ user: userJson(user) }) : json({ status: "UNKNOWN_USER_ID_ERROR" });
    },
  },
  {
    method: "POST",
    path: "/user/remove",
    tenantScoped: false,
    handle: ({ state, appId, body }) => {
      const input = body();
      const userId = input.string("userId");
      input.optionalBoolean("removeAllLinkedAccounts", true);
      removeUser(state, appId, userId);
      return ok({});
    },
  },
  {
    method: "GET",
    path: "/users/by-accountinfo",
    tenantScoped: true,
    handle: ({ state, appId, tenantId, query }) => {
      query.optionalBoolean("doUnionOfAccountInfo", false);
      const email = query.optionalString("email");
      const id = email === undefined ? undefined : state.store.userIdByEmail(appId, tenantId, normaliseEmail(email));
      const user = id === undefined ? undefined : state.store.getUser(appId, id);
      return ok({ users: user ? [userJson(user)] : [] });
    },
  },
];

/** The core's email normalisation: trim and lower-case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
