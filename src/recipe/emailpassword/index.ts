/**
 * corelens/recipe/emailpassword: sign-up and sign-in with email and password,
 * per tenant. Results carry the same statuses and fields as supertokens-node 24.
 *
 *   import EmailPassword from "corelens/recipe/emailpassword";
 *   const res = await EmailPassword.signUp("public", email, password);
 *   if (res.status === "OK") { res.user; res.recipeUserId; }
 */
import type { UserContext } from "../../querier/types.js";
import { withRecipeSpan } from "../../telemetry/recipeSpan.js";
import { DEFAULT_TENANT_ID } from "../constants.js";
import { badInput, CorelensError } from "../error.js";
import { getRecipeInstance } from "../registry.js";
import type { RecipeContext, RecipeFactory } from "../types.js";
import { RecipeUserId } from "../users/recipeUserId.js";
import { User, type CoreUser } from "../users/user.js";

export const EMAIL_PASSWORD_RECIPE_ID = "emailpassword";
const RID = EMAIL_PASSWORD_RECIPE_ID;

export interface EmailPasswordConfigInput {
  /** Accepted for compatibility: form fields only shape the (absent) sign-up API, not these functions. */
  signUpFeature?: { formFields?: unknown[] };
  emailDelivery?: unknown;
  /** Not supported: throws at init. */
  override?: unknown;
}

class EmailPasswordRecipe {
  constructor(readonly ctx: RecipeContext) {}
}

const recipe = (): EmailPasswordRecipe => getRecipeInstance<EmailPasswordRecipe>(EMAIL_PASSWORD_RECIPE_ID, "EmailPassword");

export function init(config?: EmailPasswordConfigInput): RecipeFactory<EmailPasswordRecipe> {
  if (config?.override !== undefined) {
    throw badInput("EmailPassword.init: `override` is not supported by corelens. Remove it, or wrap the functions in your own code.");
  }
  return { recipeId: EMAIL_PASSWORD_RECIPE_ID, build: (ctx) => new EmailPasswordRecipe(ctx) };
}

type Credentials = { tenantId: string; email: string; password: string };

function checkInput(fn: string, tenantId: unknown, email: unknown, password: unknown, session: unknown): Credentials {
  if (session !== undefined) {
    // supertokens-node only links to a session user with account linking (or MFA) set up, which corelens does not have.
    throw badInput(
      `EmailPassword.${fn}: passing a session (to link accounts) needs account linking, which corelens does not support. Pass undefined.`,
    );
  }
  if (tenantId !== undefined && typeof tenantId !== "string") throw badInput(`EmailPassword.${fn}: tenantId must be a string.`);
  if (typeof email !== "string") throw badInput(`EmailPassword.${fn}: email must be a string.`);
  if (typeof password !== "string") throw badInput(`EmailPassword.${fn}: password must be a string.`);
  return { tenantId: (tenantId as string | undefined) ?? DEFAULT_TENANT_ID, email, password };
}

type SignUpResult = { status: "OK"; user: User; recipeUserId: RecipeUserId } | { status: "EMAIL_ALREADY_EXISTS_ERROR" };
type SignInResult = { status: "OK"; user: User; recipeUserId: RecipeUserId } | { status: "WRONG_CREDENTIALS_ERROR" };

async function callCore(
  path: "/<tenantId>/recipe/signup" | "/<tenantId>/recipe/signin",
  c: Credentials,
  userContext: UserContext,
): Promise<any> {
  return recipe().ctx.querier.call(
    { method: "post", path, pathParams: { tenantId: c.tenantId }, rid: RID, body: { email: c.email, password: c.password } },
    userContext,
  );
}

function withUser(response: any): { status: "OK"; user: User; recipeUserId: RecipeUserId } {
  const recipeUserId = new RecipeUserId(response.recipeUserId);
  const user = new User(response.user as CoreUser);
  if (!user.loginMethods.some((m) => m.recipeUserId.getAsString() === recipeUserId.getAsString())) {
    throw new CorelensError({
      type: CorelensError.UNKNOWN_ERROR,
      message: "The core's answer is inconsistent: the user has no login method with the returned recipeUserId.",
    });
  }
  return { status: "OK", user, recipeUserId };
}

export function signUp(
  tenantId: string,
  email: string,
  password: string,
  session?: undefined,
  userContext?: UserContext,
): Promise<SignUpResult> {
  return withRecipeSpan("emailpassword", "signUp", tenantId ?? DEFAULT_TENANT_ID, async () => {
    const c = checkInput("signUp", tenantId, email, password, session);
    const response = await callCore("/<tenantId>/recipe/signup", c, userContext ?? {});
    if (response.status !== "OK") return response;
    return withUser(response);
  });
}

export function signIn(
  tenantId: string,
  email: string,
  password: string,
  session?: undefined,
  userContext?: UserContext,
): Promise<SignInResult> {
  return withRecipeSpan("emailpassword", "signIn", tenantId ?? DEFAULT_TENANT_ID, async () => {
    const c = checkInput("signIn", tenantId, email, password, session);
    const response = await callCore("/<tenantId>/recipe/signin", c, userContext ?? {});
    // Every non-OK answer is a wrong-credentials answer to the caller, as in supertokens-node.
    if (response.status !== "OK") return { status: "WRONG_CREDENTIALS_ERROR" };
    return withUser(response);
  });
}

/** Checks the credentials without returning the user, so it cannot be mistaken for a sign-in. */
export function verifyCredentials(
  tenantId: string,
  email: string,
  password: string,
  userContext?: UserContext,
): Promise<{ status: "OK" | "WRONG_CREDENTIALS_ERROR" }> {
  return withRecipeSpan("emailpassword", "verifyCredentials", tenantId ?? DEFAULT_TENANT_ID, async () => {
    const c = checkInput("verifyCredentials", tenantId, email, password, undefined);
    const response = await callCore("/<tenantId>/recipe/signin", c, userContext ?? {});
    return { status: response.status === "OK" ? "OK" : "WRONG_CREDENTIALS_ERROR" };
  });
}

export { CorelensError as Error };

const EmailPassword = { init, Error: CorelensError, signUp, signIn, verifyCredentials };
export default EmailPassword;
