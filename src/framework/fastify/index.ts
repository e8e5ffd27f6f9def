/**
 * corelens/framework/fastify: the auth APIs as a Fastify plugin.
 *
 *   await app.register(cors, { origin: websiteDomain, allowedHeaders: ["content-type", ...getAllCORSHeaders()], credentials: true });
 *   await app.register(plugin);
 *   app.setErrorHandler(errorHandler());
 *
 * The plugin adds one route per auth API (and its /<tenantId>/ form). It is
 * encapsulated: the lenient JSON parser it needs (the frontend SDK posts some
 * calls with an empty body) applies to its own routes only. corelens does not
 * depend on Fastify: the types below are the few members it uses.
 */
import { AUTH_APIS } from "../api/apis.js";
import { handleAuthError, isAuthError } from "../api/errors.js";
import { ReplyBag } from "../api/http.js";
import { parseJsonText } from "../api/node.js";
import { handleAuthRequest } from "../api/router.js";
import { requestUserContext } from "../api/userContext.js";
import { getAppInfo } from "../../recipe/registry.js";
import { fastifyAuthRequest, sendFastifyReply, type FastifyInstanceLike, type FastifyReplyLike, type FastifyRequestLike } from "./adapter.js";

export { getAllCORSHeaders } from "../api/cors.js";

export type { FastifyRequestLike, FastifyReplyLike, FastifyInstanceLike } from "./adapter.js";

/** The plugin: `await app.register(plugin)`. Register it after corelens.init() (the routes use appInfo.apiBasePath). */
export function plugin(fastify: FastifyInstanceLike, _options: unknown, done: (err?: Error) => void): void {
  try {
    // Replaced in this plugin's scope only (the app's own parsers, default or custom, are untouched).
    fastify.removeContentTypeParser?.(["application/json", "text/plain"]);
    fastify.addContentTypeParser(["application/json", "text/plain"], { parseAs: "string" }, (_req, body, finish) => {
      try {
        finish(null, parseJsonText(body));
      } catch {
        // Reported by the API as a 400 with its own message.
        finish(null, body);
      }
    });
    const base = getAppInfo().apiBasePath;
    const routes = new Set<string>();
    for (const api of AUTH_APIS) {
      routes.add(`${api.method} ${base}${api.path}`);
      if (api.tenantScoped) routes.add(`${api.method} ${base}/:tenantId${api.path}`);
    }
    for (const route of routes) {
      const [method, url] = route.split(" ") as [string, string];
      fastify.route({
        method,
        url,
        handler: async (req: FastifyRequestLike, reply: FastifyReplyLike) => {
          const bag = new ReplyBag();
          const handled = await handleAuthRequest(fastifyAuthRequest(req), bag, requestUserContext(req));
          if (!handled) return reply.code(404).send({ message: "Not found" });
          return sendFastifyReply(reply, bag);
        },
      });
    }
    done();
  } catch (err) {
    done(err as Error);
  }
}

/**
 * For app.setErrorHandler(): answers session and input errors your routes
 * throw as the frontend SDKs expect; every other error gets Fastify's default answer.
 */
export function errorHandler() {
  return async (err: unknown, req: FastifyRequestLike, reply: FastifyReplyLike): Promise<unknown> => {
    if (isAuthError(err)) {
      const bag = new ReplyBag();
      await handleAuthError(err, bag, requestUserContext(req));
      return sendFastifyReply(reply, bag);
    }
    const status = (err as { statusCode?: unknown }).statusCode;
    return reply.code(typeof status === "number" && status >= 400 ? status : 500).send(err);
  };
}

const Fastify = { plugin, errorHandler };
export default Fastify;
