/**
 * The id of one login method (recipe user), as opposed to the primary user id.
 * A class rather than a string so the two cannot be mixed up, as in supertokens-node.
 */
export class RecipeUserId {
  // A plain (enumerable) field: JSON.stringify gives {"recipeUserId":"…"}, as supertokens-node's does.
  private readonly recipeUserId: string;

  constructor(recipeUserId: string) {
    if (typeof recipeUserId !== "string") {
      throw new TypeError(
        `RecipeUserId needs a string, got ${recipeUserId === null ? "null" : typeof recipeUserId}. ` +
          "Pass the recipeUserId returned by signUp/signIn, or convertToRecipeUserId(\"<id>\").",
      );
    }
    this.recipeUserId = recipeUserId;
  }

  // An arrow property (not a method) so it survives being passed around detached, as in supertokens-node.
  getAsString = (): string => this.recipeUserId;
}

/** Accepts a RecipeUserId from corelens or supertokens-node (anything with getAsString()). */
export function recipeUserIdString(value: unknown, argName: string): string {
  if (value !== null && typeof value === "object" && typeof (value as RecipeUserId).getAsString === "function") {
    const s = (value as RecipeUserId).getAsString();
    if (typeof s === "string") return s;
  }
  throw new TypeError(
    `${argName} must be a RecipeUserId (got ${typeof value}). Use the recipeUserId from signUp/signIn, or convertToRecipeUserId("<id>").`,
  );
}
