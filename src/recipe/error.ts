/**
 * The error class recipes throw for outcomes that are not a result status,
 * shaped like supertokens-node's (`type`, `payload`, `fromRecipe`, the static
 * type names and `isErrorFromSuperTokens`), so `err instanceof supertokens.Error`
 * and `err.type === Session.Error.TRY_REFRESH_TOKEN` keep working after the move.
 */

/** Marks corelens recipe errors across copies of the package (a duplicated install breaks instanceof). */
const ERROR_MARK = Symbol.for("corelens.recipe.error");

export class CorelensError extends Error {
  static readonly BAD_INPUT_ERROR = "BAD_INPUT_ERROR" as const;
  static readonly UNKNOWN_ERROR = "UNKNOWN_ERROR" as const;

  type: string;
  payload: any;
  fromRecipe: string | undefined;

  constructor(options: { message: string; type: string; payload?: any }) {
    super(options.message);
    this.name = "CorelensError";
    this.type = options.type;
    this.payload = options.payload;
    this.fromRecipe = undefined;
    Object.defineProperty(this, ERROR_MARK, { value: true });
  }

  /** Same name as supertokens-node's check, so error handlers move over unchanged. */
  static isErrorFromSuperTokens(obj: unknown): obj is CorelensError {
    return obj !== null && typeof obj === "object" && (obj as Record<symbol, unknown>)[ERROR_MARK] === true;
  }
}

/** A bad argument to a recipe function: says which one and what is expected. */
export function badInput(message: string): CorelensError {
  return new CorelensError({ type: CorelensError.BAD_INPUT_ERROR, message });
}
