/**
 * How recipes plug into init(). `Session.init(config)` returns a RecipeFactory;
 * corelens.init({ recipeList }) builds each one once with the querier and appInfo
 * and keeps the instance in the registry (src/recipe/registry.ts), where the
 * recipe's public functions find it.
 */
import type { CoreQuerier } from "../querier/types.js";

export interface NormalisedAppInfo {
  appName: string;
  apiDomain: string;
  websiteDomain: string;
  apiBasePath: string;
  websiteBasePath: string;
}

export interface RecipeContext {
  querier: CoreQuerier;
  appInfo: NormalisedAppInfo;
}

export interface RecipeFactory<Instance = unknown> {
  readonly recipeId: string;
  build(ctx: RecipeContext): Instance;
}
