/**
 * What corelens.init() set up, for the rest of the package: the querier, the
 * normalised appInfo and one instance per recipe in recipeList. Recipe
 * functions find their instance here with getRecipeInstance().
 *
 * One process-wide state, replaced as a whole by each init(): a recipe never
 * sees a querier from one init and appInfo from another.
 */
import { ConfigError, NotInitialisedError } from "../querier/errors.js";
import type { CoreQuerier } from "../querier/types.js";
import type { NormalisedAppInfo, RecipeContext, RecipeFactory } from "./types.js";

export interface CorelensState {
  querier: CoreQuerier;
  appInfo: NormalisedAppInfo;
  recipes: ReadonlyMap<string, unknown>;
  /** Releases what this init opened (the connection pool). */
  close(): Promise<void>;
}

let current: CorelensState | undefined;

/** The instance built from `recipeId`'s factory; `humanName` (e.g. "Session") is used in the error. */
export function getRecipeInstance<T>(recipeId: string, humanName: string): T {
  const state = requireState();
  if (!state.recipes.has(recipeId)) {
    throw new NotInitialisedError(
      `${humanName} is not initialised: add ${humanName}.init() to recipeList in corelens.init()`,
    );
  }
  return state.recipes.get(recipeId) as T;
}

/** The querier of the current init (for callCore and framework code). */
export function getQuerier(): CoreQuerier {
  return requireState().querier;
}

export function getAppInfo(): NormalisedAppInfo {
  return requireState().appInfo;
}

/** Builds every recipe of recipeList; a duplicate recipe id is a config error. */
export function buildRecipes(factories: readonly RecipeFactory[], ctx: RecipeContext): Map<string, unknown> {
  const recipes = new Map<string, unknown>();
  factories.forEach((factory, i) => {
    if (recipes.has(factory.recipeId)) {
      throw new ConfigError(`recipeList[${i}]`, `repeats recipe "${factory.recipeId}"; each recipe may appear once`);
    }
    recipes.set(factory.recipeId, factory.build(ctx));
  });
  return recipes;
}

/** Installs `next` (or nothing) and returns what was there, for the caller to close. */
export function replaceState(next: CorelensState | undefined): CorelensState | undefined {
  const previous = current;
  current = next;
  return previous;
}

function requireState(): CorelensState {
  if (current === undefined) {
    throw new NotInitialisedError("corelens is not initialised: call corelens.init() first");
  }
  return current;
}
