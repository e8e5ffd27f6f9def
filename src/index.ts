/**
 * "corelens": init, the low-level callCore, the error classes and the public types.
 *
 *   import corelens from "corelens";
 *   corelens.init({ supertokens: { connectionURI }, appInfo, recipeList });
 */
import { callCore, close, init } from "./init.js";
import { CorelensError } from "./recipe/error.js";
import { getAllCORSHeaders } from "./framework/api/cors.js";
import { convertToRecipeUserId, deleteUser, getUser, RecipeUserId, User } from "./recipe/users/index.js";

export { init, close, callCore, getAllCORSHeaders };
export {
  ConfigError,
  CoreError,
  CoreTimeoutError,
  CoreUnavailableError,
  CoreVersionError,
  InterceptorError,
  NotInitialisedError,
} from "./querier/errors.js";
export type * from "./types.js";
// The user functions and classes supertokens-node has on its root module (recipes: src/recipe/users).
export { getUser, deleteUser, convertToRecipeUserId, RecipeUserId, User };
export { LoginMethod } from "./recipe/users/index.js";
export { CorelensError, CorelensError as Error };

const corelens = { init, close, callCore, getAllCORSHeaders, getUser, deleteUser, convertToRecipeUserId, RecipeUserId, User, Error: CorelensError };
export default corelens;
