/**
 * corelens/recipe/session/framework/fastify: verifySession() as a preHandler.
 *
 *   app.get("/api/me", { preHandler: verifySession() }, async (req: SessionRequest) => ({ userId: req.session!.getUserId() }));
 *
 * Answers as the Express one does: 401 try refresh token for an expired
 * access token, 401 unauthorised without a valid session, and lets requests
 * through without one when { sessionRequired: false }.
 */
import { handleAuthError } from "../../../../framework/api/errors.js";
import { ReplyBag } from "../../../../framework/api/http.js";
import { verifySessionInRequest } from "../../../../framework/api/sessionTransport.js";
import { requestUserContext } from "../../../../framework/api/userContext.js";
import {
  applyFastifyHeaders,
  fastifyAuthRequest,
  sendFastifyReply,
  type FastifyReplyLike,
  type FastifyRequestLike,
} from "../../../../framework/fastify/adapter.js";
import type { SessionContainerInterface, VerifySessionOptions } from "../../types.js";

export type SessionRequest = FastifyRequestLike & { session?: SessionContainerInterface };

export function verifySession(options?: VerifySessionOptions) {
  return async (req: SessionRequest, reply: FastifyReplyLike): Promise<unknown> => {
    const bag = new ReplyBag();
    const userContext = requestUserContext(req);
    const apply = () => applyFastifyHeaders(reply, bag);
    try {
      req.session = await verifySessionInRequest(fastifyAuthRequest(req), bag, options, userContext, apply);
    } catch (err) {
      if ((await handleAuthError(err, bag, userContext)) === undefined) throw err;
      return sendFastifyReply(reply, bag);
    }
    apply();
    return undefined;
  };
}

export type { VerifySessionOptions };
export default { verifySession };
