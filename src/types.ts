/**
 * "corelens/types": the public types, for `import type { HttpRequest } from "corelens/types"`
 * (the counterpart of "supertokens-node/types").
 */
export type { HttpMethod, HttpRequest, NetworkInterceptor, QueryParamValue, UserContext } from "./querier/types.js";
export type { AppInfo, InitInput, SupertokensConfig } from "./config/types.js";
export type { CoreRequest } from "./init.js";
export type { HostFailure } from "./querier/errors.js";
export type { RecipeFactory, NormalisedAppInfo } from "./recipe/types.js";
