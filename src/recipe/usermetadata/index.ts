/**
 * corelens/recipe/usermetadata: a JSON object per user, stored by the core.
 *
 *   import UserMetadata from "corelens/recipe/usermetadata";
 *   await UserMetadata.updateUserMetadata(userId, { theme: "dark", oldKey: null });
 */
import type { UserContext } from "../../querier/types.js";
import { withRecipeSpan } from "../../telemetry/recipeSpan.js";
import { badInput } from "../error.js";
import { getRecipeInstance } from "../registry.js";
import type { RecipeContext, RecipeFactory } from "../types.js";

export type JSONObject = Record<string, any>;

export const USER_METADATA_RECIPE_ID = "usermetadata";
const RID = USER_METADATA_RECIPE_ID;

export interface UserMetadataConfigInput {
  /** Not supported: throws at init. */
  override?: unknown;
}

class UserMetadataRecipe {
  constructor(readonly ctx: RecipeContext) {}
}

const recipe = (): UserMetadataRecipe => getRecipeInstance<UserMetadataRecipe>(USER_METADATA_RECIPE_ID, "UserMetadata");

function checkUserId(fn: string, userId: unknown): void {
  if (typeof userId !== "string") throw badInput(`UserMetadata.${fn}: userId must be a string.`);
}

export function init(config?: UserMetadataConfigInput): RecipeFactory<UserMetadataRecipe> {
  if (config?.override !== undefined) {
    throw badInput("UserMetadata.init: `override` is not supported by corelens. Remove it, or wrap the functions in your own code.");
  }
  return { recipeId: USER_METADATA_RECIPE_ID, build: (ctx) => new UserMetadataRecipe(ctx) };
}

export function getUserMetadata(userId: string, userContext?: UserContext): Promise<{ status: "OK"; metadata: any }> {
  return withRecipeSpan("usermetadata", "getUserMetadata", undefined, () => {
    checkUserId("getUserMetadata", userId);
    // No userContext given: nothing else can share this call's per-request cache, so none is
    // made (the querier still hands the interceptor a fresh {}).
    return recipe().ctx.querier.call({ method: "get", path: "/recipe/user/metadata", params: { userId }, rid: RID }, userContext);
  });
}

/** Shallow merge into the stored object; a `null` value deletes that key. Resolves with the whole new object. */
export function updateUserMetadata(
  userId: string,
  metadataUpdate: JSONObject,
  userContext?: UserContext,
): Promise<{ status: "OK"; metadata: JSONObject }> {
  return withRecipeSpan("usermetadata", "updateUserMetadata", undefined, () => {
    checkUserId("updateUserMetadata", userId);
    if (metadataUpdate === null || typeof metadataUpdate !== "object" || Array.isArray(metadataUpdate)) {
      throw badInput("UserMetadata.updateUserMetadata: metadataUpdate must be a JSON object (null values delete keys).");
    }
    return recipe().ctx.querier.call(
      { method: "put", path: "/recipe/user/metadata", rid: RID, body: { userId, metadataUpdate } },
      userContext ?? {},
    );
  });
}

export function clearUserMetadata(userId: string, userContext?: UserContext): Promise<{ status: "OK" }> {
  return withRecipeSpan("usermetadata", "clearUserMetadata", undefined, () => {
    checkUserId("clearUserMetadata", userId);
    return recipe().ctx.querier.call(
      { method: "post", path: "/recipe/user/metadata/remove", rid: RID, body: { userId } },
      userContext ?? {},
    );
  });
}

const UserMetadata = { init, getUserMetadata, updateUserMetadata, clearUserMetadata };
export default UserMetadata;
