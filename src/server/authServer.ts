/**
 * The standalone auth server (`corelens serve`): the auth APIs, the JWKS and
 * session introspection on a plain node:http server, with CORS for the
 * website, for apps whose backend is not Node.
 *
 * Each request is a SERVER span (context extracted from traceparent), with
 * the API's `auth.<api>` span and the core CLIENT spans under it. corelens
 * must be initialised (corelens.init) before requests arrive.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { getAllCORSHeaders } from "../framework/api/cors.js";
import { handleAuthError } from "../framework/api/errors.js";
import { ReplyBag } from "../framework/api/http.js";
import { nodeAuthRequest, sendReply } from "../framework/api/node.js";
import { handleAuthRequest, matchAuthApi } from "../framework/api/router.js";
import { requestUserContext } from "../framework/api/userContext.js";
import { getAppInfo } from "../recipe/registry.js";
import { telemetryConfig } from "../telemetry/config.js";
import { activeTracer } from "../telemetry/providers.js";
import { withRecipeSpan } from "../telemetry/recipeSpan.js";
import { introspect, INTROSPECT_PATH } from "./introspect.js";

export interface AuthServerOptions {
  port?: number;
  host?: string;
}

export interface AuthServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthServer> {
  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      // Not an auth outcome (the core is unreachable, a bug): a 500 without internals.
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "application/json; charset=utf-8");
        res.end(JSON.stringify({ message: "Internal error", error: (err as { name?: string })?.name ?? "Error" }));
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3001, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The route name for the span: the API path template, never ids from the URL. */
function routeOf(method: string, path: string): string {
  const base = getAppInfo().apiBasePath;
  if (path === base + INTROSPECT_PATH) return path;
  const match = matchAuthApi(method, path);
  if (match === undefined) return "unknown";
  return path === base + match.api.path ? path : `${base}/{tenantId}${match.api.path}`;
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const tracer = telemetryConfig().enabled ? activeTracer(telemetryConfig()) : undefined;
  // An http instrumentation already made this request's SERVER span: nest under it rather than start a second one.
  const existing = trace.getSpan(context.active());
  if (tracer === undefined || existing !== undefined) return handle(req, res, existing);
  const method = (req.method ?? "GET").toUpperCase();
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const route = routeOf(method, path);
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer.startSpan(
    route === "unknown" ? method : `${method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { "http.request.method": method, "url.path": path, "url.scheme": "http", ...(route === "unknown" ? {} : { "http.route": route }) },
    },
    parent,
  );
  try {
    await context.with(trace.setSpan(parent, span), () => handle(req, res, span));
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute("error.type", (err as { name?: string })?.name ?? "Error");
    throw err;
  } finally {
    span.setAttribute("http.response.status_code", res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}

function setCors(req: IncomingMessage, res: ServerResponse): void {
  const website = getAppInfo().websiteDomain;
  // The answer depends on Origin, so caches must key on it.
  res.setHeader("vary", "Origin");
  // Only the configured website may call with credentials (cookies).
  if (req.headers.origin === website) {
    res.setHeader("access-control-allow-origin", website);
    res.setHeader("access-control-allow-credentials", "true");
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, span: Span | undefined): Promise<void> {
  setCors(req, res);
  if (req.method === "OPTIONS") {
    res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
    res.setHeader("access-control-allow-headers", ["content-type", ...getAllCORSHeaders()].join(", "));
    res.setHeader("access-control-max-age", "600");
    res.statusCode = 204;
    res.end();
    return;
  }
  const authReq = nodeAuthRequest(req, req.url ?? "/");
  const reply = new ReplyBag();
  const userContext = requestUserContext(req);
  if (authReq.method === "POST" && authReq.path === getAppInfo().apiBasePath + INTROSPECT_PATH) {
    await withRecipeSpan("auth", "introspect", undefined, async (s) => {
      try {
        s.setResultStatus(await introspect(authReq, reply, userContext));
      } catch (err) {
        const outcome = await handleAuthError(err, reply, userContext);
        if (outcome === undefined) throw err;
        s.setResultStatus(outcome);
      }
    });
    sendReply(res, reply);
    return;
  }
  if (authReq.method === "GET" && authReq.path === "/health") {
    reply.sendJSON(200, { status: "OK" });
    sendReply(res, reply);
    return;
  }
  if (await handleAuthRequest(authReq, reply, userContext)) {
    sendReply(res, reply);
    return;
  }
  span?.setAttribute("http.route", "unknown");
  reply.sendJSON(404, { message: "Not found" });
  sendReply(res, reply);
}
