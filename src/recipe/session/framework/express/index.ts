/**
 * corelens/recipe/session/framework/express: verifySession() for Express routes.
 *
 *   app.get("/api/me", verifySession(), (req: SessionRequest, res) => res.json({ userId: req.session!.getUserId() }));
 *
 * An expired access token answers 401 { message: "try refresh token" } (the
 * frontend SDK then refreshes and retries); a missing or invalid session 401
 * { message: "unauthorised" }; with { sessionRequired: false } a request
 * without a session goes through with req.session undefined.
 */
import { handleAuthError } from "../../../../framework/api/errors.js";
import { ReplyBag } from "../../../../framework/api/http.js";
import { applyHeaders, sendReply } from "../../../../framework/api/node.js";
import { verifySessionInRequest, type RequestSession } from "../../../../framework/api/sessionTransport.js";
import { requestUserContext } from "../../../../framework/api/userContext.js";
import { expressAuthRequest, type ExpressRequest, type ExpressResponse, type NextFunction } from "../../../../framework/express/adapter.js";
import type { SessionContainerInterface, VerifySessionOptions } from "../../types.js";

export type SessionRequest = ExpressRequest & { session?: SessionContainerInterface };

export function verifySession(options?: VerifySessionOptions) {
  return async (req: SessionRequest, res: ExpressResponse, next: NextFunction): Promise<void> => {
    const reply = new ReplyBag();
    const userContext = requestUserContext(req);
    // Session changes later in the route (revoke, payload merge) re-apply their tokens to this response.
    const apply = () => applyHeaders(res, reply);
    let session: RequestSession | undefined;
    try {
      session = await verifySessionInRequest(expressAuthRequest(req), reply, options, userContext, apply);
    } catch (err) {
      try {
        if ((await handleAuthError(err, reply, userContext)) === undefined) {
          next(err);
          return;
        }
        sendReply(res, reply);
      } catch (e) {
        next(e);
      }
      return;
    }
    apply();
    req.session = session;
    next();
  };
}

export type { VerifySessionOptions };
export default { verifySession };
