/**
 * Session introspection for backends that are not Node: they forward the
 * access token they received and learn whose session it is.
 *
 *   POST <apiBasePath>/session/introspect   {"accessToken": "...", "checkDatabase": false}
 *   (or the token as Authorization: Bearer)
 *   200 {"status":"OK","userId","recipeUserId","sessionHandle","tenantId","accessTokenPayload"}
 *   401 {"status":"TRY_REFRESH_TOKEN" | "UNAUTHORISED","message":"<reason>"}
 *
 * The token is verified as verifySession would (signature against the
 * core's keys, expiry; with checkDatabase also revocation). No anti-CSRF
 * check: the calling backend does its own, the token reached it already.
 */
import type { UserContext } from "../querier/types.js";
import { badInput } from "../recipe/error.js";
import { SessionError } from "../recipe/session/error.js";
import * as Session from "../recipe/session/index.js";
import type { AuthRequest, ReplyBag } from "../framework/api/http.js";
import { bearer } from "../framework/api/sessionTransport.js";

export const INTROSPECT_PATH = "/session/introspect";

export async function introspect(req: AuthRequest, reply: ReplyBag, userContext: UserContext): Promise<string> {
  const body = (await req.jsonBody()) as { accessToken?: unknown; checkDatabase?: unknown } | null;
  const token = typeof body?.accessToken === "string" ? body.accessToken : bearer(req);
  if (token === undefined || token === "") {
    throw badInput('Send the access token as {"accessToken": "..."} or as Authorization: Bearer <token>.');
  }
  if (body?.checkDatabase !== undefined && typeof body.checkDatabase !== "boolean") throw badInput("checkDatabase must be a boolean.");
  try {
    const session = await Session.getSessionWithoutRequestResponse(
      token,
      undefined,
      { antiCsrfCheck: false, checkDatabase: body?.checkDatabase === true },
      userContext,
    );
    reply.sendJSON(200, {
      status: "OK",
      userId: session.getUserId(),
      recipeUserId: session.getRecipeUserId().getAsString(),
      sessionHandle: session.getHandle(),
      tenantId: session.getTenantId(),
      accessTokenPayload: session.getAccessTokenPayload(),
    });
    return "OK";
  } catch (err) {
    if (!(err instanceof SessionError)) throw err;
    // The reason is the recipe's own wording (never the token): "expired", "signature", "session revoked"...
    reply.sendJSON(401, { status: err.type, message: err.message });
    return err.type;
  }
}
