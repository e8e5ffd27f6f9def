/**
 * The user functions of the package root (`import { getUser } from "corelens"`),
 * as supertokens-node has them on its root module. They need no recipe in
 * recipeList, only init().
 */
import type { UserContext } from "../../querier/types.js";
import { withRecipeSpan } from "../../telemetry/recipeSpan.js";
import { badInput } from "../error.js";
import { getQuerier } from "../registry.js";
import { RecipeUserId } from "./recipeUserId.js";
import { User, type CoreUser } from "./user.js";

export { RecipeUserId } from "./recipeUserId.js";
export { User, LoginMethod } from "./user.js";

/** The user with this primary or recipe user id, or undefined if there is none. */
export function getUser(userId: string, userContext?: UserContext): Promise<User | undefined> {
  return withRecipeSpan("users", "getUser", undefined, async (s) => {
    if (typeof userId !== "string") throw badInput("getUser: userId must be a string.");
    const response = await getQuerier().call<any>({ method: "get", path: "/user/id", params: { userId } }, userContext ?? {});
    s.setResultStatus(response.status);
    return response.status === "OK" ? new User(response.user as CoreUser) : undefined;
  });
}

/** Deletes the user (and by default the accounts linked to it). The core answers OK for unknown users too. */
export function deleteUser(
  userId: string,
  removeAllLinkedAccounts = true,
  userContext?: UserContext,
): Promise<{ status: "OK" }> {
  return withRecipeSpan("users", "deleteUser", undefined, () => {
    if (typeof userId !== "string") throw badInput("deleteUser: userId must be a string.");
    return getQuerier().call({ method: "post", path: "/user/remove", body: { userId, removeAllLinkedAccounts } }, userContext ?? {});
  });
}

/** Wraps a recipe user id string (e.g. one stored by the app) for functions that take a RecipeUserId. */
export function convertToRecipeUserId(recipeUserId: string): RecipeUserId {
  return new RecipeUserId(recipeUserId);
}
