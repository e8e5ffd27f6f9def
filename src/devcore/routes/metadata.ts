/** User metadata: a JSON object per user; updates are a shallow merge where null deletes a key. */
import { ok } from "../http.js";
import type { JsonObject } from "../input.js";
import type { Route } from "../router.js";

export const metadataRoutes: Route[] = [
  {
    method: "GET",
    path: "/recipe/user/metadata",
    tenantScoped: false,
    handle: ({ state, appId, query }) => ok({ metadata: state.store.getMetadata(appId, query.string("userId")) ?? {} }),
  },
  {
    method: "PUT",
    path: "/recipe/user/metadata",
    tenantScoped: false,
    handle: ({ state, appId, body }) => {
      const input = body();
      const userId = input.string("userId");
      const update = input.object("metadataUpdate");
      const metadata = state.store.transaction(() => {
        // Null-prototype target: a "__proto__" key in the update is stored as data, never as a prototype.
        const merged: JsonObject = Object.assign(Object.create(null) as JsonObject, state.store.getMetadata(appId, userId));
        for (const k of Object.keys(update)) {
          if (update[k] === null) delete merged[k];
          else merged[k] = update[k];
        }
        state.store.putMetadata(appId, userId, merged);
        return merged;
      });
      return ok({ metadata });
    },
  },
  {
    method: "POST",
    path: "/recipe/user/metadata/remove",
    tenantScoped: false,
    handle: ({ state, appId, body }) => {
      state.store.deleteMetadata(appId, body().string("userId"));
      return ok({});
    },
  },
];
