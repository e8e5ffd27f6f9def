/**
 * The auth APIs (Frontend Driver Interface 4.0, the subset for email-password
 * with sessions). Each one reads an AuthRequest and fills a ReplyBag; the
 * session tokens go through sessionTransport, the work through the recipes.
 */
import type { UserContext } from "../../querier/types.js";
import * as EmailPassword from "../../recipe/emailpassword/index.js";
import { getQuerier } from "../../recipe/registry.js";
import * as Session from "../../recipe/session/index.js";
import { User, type CoreUser } from "../../recipe/users/user.js";
import { withRecipeSpan } from "../../telemetry/recipeSpan.js";
import { badInput } from "../../recipe/error.js";
import { FormFieldError, readCredentials } from "./formFields.js";
import type { AuthRequest, ReplyBag } from "./http.js";
import { createSessionInRequest, getSessionFromRequest, refreshSessionFromRequest } from "./sessionTransport.js";

export interface ApiContext {
  req: AuthRequest;
  reply: ReplyBag;
  tenantId: string;
  userContext: UserContext;
}

export interface AuthApi {
  /** The span is `auth.<id>`. */
  id: string;
  method: "GET" | "POST";
  /** Under apiBasePath, e.g. "/signup". */
  path: string;
  /** Also served as /<tenantId><path>. */
  tenantScoped: boolean;
  run(ctx: ApiContext): Promise<void>;
}

async function signUp({ req, reply, tenantId, userContext }: ApiContext): Promise<void> {
  const { email, password } = readCredentials(await req.jsonBody(), true);
  const result = await EmailPassword.signUp(tenantId, email, password, undefined, userContext);
  if (result.status === "EMAIL_ALREADY_EXISTS_ERROR") {
    throw new FormFieldError([{ id: "email", error: "This email already exists. Please sign in instead." }]);
  }
  await createSessionInRequest(req, reply, tenantId, result.recipeUserId, userContext);
  reply.sendJSON(200, { status: "OK", user: result.user.toJson() });
}

async function signIn({ req, reply, tenantId, userContext }: ApiContext): Promise<void> {
  const { email, password } = readCredentials(await req.jsonBody(), false);
  const result = await EmailPassword.signIn(tenantId, email, password, undefined, userContext);
  if (result.status !== "OK") {
    reply.sendJSON(200, { status: "WRONG_CREDENTIALS_ERROR" });
    return;
  }
  await createSessionInRequest(req, reply, tenantId, result.recipeUserId, userContext);
  reply.sendJSON(200, { status: "OK", user: result.user.toJson() });
}

/** An email-password user with this email exists in the tenant (users of other login methods do not count). */
function emailPasswordUserExists(tenantId: string, email: string, userContext: UserContext): Promise<boolean> {
  return withRecipeSpan("emailpassword", "emailExists", tenantId, async (s) => {
    const response = await getQuerier().call<{ users: CoreUser[] }>(
      { method: "get", path: "/<tenantId>/users/by-accountinfo", pathParams: { tenantId }, params: { email, doUnionOfAccountInfo: false } },
      userContext,
    );
    const exists = response.users.some((u) => new User(u).loginMethods.some((m) => m.recipeId === "emailpassword" && m.hasSameEmailAs(email)));
    s.setResultStatus("OK");
    return exists;
  });
}

async function emailExists({ req, reply, tenantId, userContext }: ApiContext): Promise<void> {
  const email = req.query("email");
  if (email === undefined) throw badInput("Please provide the email as a GET param");
  reply.sendJSON(200, { status: "OK", exists: await emailPasswordUserExists(tenantId, email.trim(), userContext) });
}

async function signOut({ req, reply, userContext }: ApiContext): Promise<void> {
  const session = await getSessionFromRequest(req, reply, { sessionRequired: false }, userContext);
  // revokeSession of the request session also clears the tokens in the reply.
  if (session !== undefined) await session.revokeSession(userContext);
  reply.sendJSON(200, { status: "OK" });
}

async function refresh({ req, reply, userContext }: ApiContext): Promise<void> {
  await refreshSessionFromRequest(req, reply, userContext);
  reply.sendJSON(200, {});
}

async function jwks({ reply, userContext }: ApiContext): Promise<void> {
  const { keys } = await Session.getJWKS(userContext);
  reply.setHeader("cache-control", "max-age=60, must-revalidate");
  reply.sendJSON(200, { keys });
}

export const AUTH_APIS: readonly AuthApi[] = [
  { id: "signup", method: "POST", path: "/signup", tenantScoped: true, run: signUp },
  { id: "signin", method: "POST", path: "/signin", tenantScoped: true, run: signIn },
  { id: "emailexists", method: "GET", path: "/emailpassword/email/exists", tenantScoped: true, run: emailExists },
  // The FDI < 3.0 path, still sent by older frontends.
  { id: "emailexists", method: "GET", path: "/signup/email/exists", tenantScoped: true, run: emailExists },
  { id: "signout", method: "POST", path: "/signout", tenantScoped: false, run: signOut },
  { id: "refresh", method: "POST", path: "/session/refresh", tenantScoped: false, run: refresh },
  { id: "jwks", method: "GET", path: "/jwt/jwks.json", tenantScoped: false, run: jwks },
];
