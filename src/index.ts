/**
 * "corelens": init, the low-level callCore, the error classes and the public types.
 *
 *   import corelens from "corelens";
 *   corelens.init({ supertokens: { connectionURI }, appInfo, recipeList });
 */
import { callCore, close, init } from "./init.js";

export { init, close, callCore };
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

const corelens = { init, close, callCore };
export default corelens;
