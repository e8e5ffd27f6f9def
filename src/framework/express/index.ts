/**
 * corelens/framework/express: the auth APIs as Express middleware.
 *
 *   app.use(cors({ origin: websiteDomain, allowedHeaders: ["content-type", ...getAllCORSHeaders()], credentials: true }));
 *   app.use(middleware());
 *   // ... your routes, with verifySession() from corelens/recipe/session/framework/express
 *   app.use(errorHandler());
 *
 * Written against Node's IncomingMessage/ServerResponse (which Express extends),
 * so corelens does not depend on Express or its types.
 */
import { handleAuthError, isAuthError } from "../api/errors.js";
import { ReplyBag } from "../api/http.js";
import { sendReply } from "../api/node.js";
import { handleAuthRequest } from "../api/router.js";
import { requestUserContext } from "../api/userContext.js";
import { expressAuthRequest, type ExpressRequest, type ExpressResponse, type NextFunction } from "./adapter.js";

export { getAllCORSHeaders } from "../api/cors.js";

export type { ExpressRequest, ExpressResponse, NextFunction } from "./adapter.js";

/**
 * Serves the auth APIs under appInfo.apiBasePath; other requests go to the
 * next handler. Errors that are not auth outcomes (the core is down, say)
 * go to Express's error handling with next(err).
 */
export function middleware() {
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction): Promise<void> => {
    const reply = new ReplyBag();
    try {
      const handled = await handleAuthRequest(expressAuthRequest(req), reply, requestUserContext(req));
      if (!handled) {
        next();
        return;
      }
      sendReply(res, reply);
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Answers the session and input errors your own routes throw (e.g. from
 * Session functions) the way the frontend SDKs expect (401 try refresh /
 * unauthorised, 400 bad input); passes every other error on. Add it after
 * your routes.
 */
export function errorHandler() {
  return async (err: unknown, req: ExpressRequest, res: ExpressResponse, next: NextFunction): Promise<void> => {
    if (!isAuthError(err) || res.headersSent) {
      next(err);
      return;
    }
    try {
      const reply = new ReplyBag();
      await handleAuthError(err, reply, requestUserContext(req));
      sendReply(res, reply);
    } catch (e) {
      next(e);
    }
  };
}

const Express = { middleware, errorHandler };
export default Express;
