/**
 * The same small app in Express and in Fastify: the auth APIs, a protected
 * route, an optional-session route, a write route (anti-CSRF applies to
 * non-GET), and a route that throws a session error for errorHandler.
 */
import { createRequire } from "node:module";
import type { IncomingMessage, ServerResponse } from "node:http";
import Fastify, { type FastifyInstance } from "fastify";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import * as ExpressIntegration from "../../../src/framework/express/index.js";
import * as FastifyIntegration from "../../../src/framework/fastify/index.js";
import { verifySession as verifyExpress, type SessionRequest as ExpressSessionRequest } from "../../../src/recipe/session/framework/express/index.js";
import { verifySession as verifyFastify, type SessionRequest as FastifySessionRequest } from "../../../src/recipe/session/framework/fastify/index.js";
import Session from "../../../src/recipe/session/index.js";

export type Framework = "express" | "fastify";

// Express has no bundled types (and @types/express is not a dependency): the few members used here.
type Handler = (req: any, res: ServerResponse & { json(body: unknown): void }, next: (err?: unknown) => void) => unknown;
export interface ExpressApp {
  use(...handlers: unknown[]): void;
  get(path: string, ...handlers: Handler[]): void;
  post(path: string, ...handlers: Handler[]): void;
  listen(port: number, host: string, cb: () => void): Server;
}
const express = createRequire(import.meta.url)("express") as (() => ExpressApp) & { static(root: string): unknown };
export type { IncomingMessage };

export interface App {
  url: string;
  close(): Promise<void>;
}

function sessionJson(session: { getUserId(): string; getHandle(): string; getAccessTokenPayload(): any } | undefined) {
  return session === undefined ? { session: null } : { userId: session.getUserId(), handle: session.getHandle(), payload: session.getAccessTokenPayload() };
}

/** `setup` runs first, for routes a test adds in front of the auth APIs (a page, a counter). */
export async function startExpressApp(setup?: (app: ExpressApp) => void): Promise<App> {
  const app = express();
  setup?.(app);
  app.use(ExpressIntegration.middleware());
  app.get("/api/me", verifyExpress(), (req: ExpressSessionRequest, res) => {
    res.json(sessionJson(req.session));
  });
  app.post("/api/me", verifyExpress(), (req: ExpressSessionRequest, res) => {
    res.json(sessionJson(req.session));
  });
  app.get("/api/optional", verifyExpress({ sessionRequired: false }), (req: ExpressSessionRequest, res) => {
    res.json(sessionJson(req.session));
  });
  app.post("/api/merge", verifyExpress(), async (req: ExpressSessionRequest, res) => {
    await req.session!.mergeIntoAccessTokenPayload({ role: "admin" });
    res.json(sessionJson(req.session));
  });
  app.get("/api/throws", async (_req, _res) => {
    await Session.getSessionWithoutRequestResponse("not-a-token");
  });
  app.use(ExpressIntegration.errorHandler());
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `setup` runs first, for routes a test adds (a page). */
export async function startFastifyApp(setup?: (app: FastifyInstance) => void): Promise<App> {
  const app = Fastify({ forceCloseConnections: true });
  setup?.(app);
  await app.register(FastifyIntegration.plugin);
  app.setErrorHandler(FastifyIntegration.errorHandler());
  app.get("/api/me", { preHandler: verifyFastify() }, async (req) => sessionJson((req as unknown as FastifySessionRequest).session));
  app.post("/api/me", { preHandler: verifyFastify() }, async (req) => sessionJson((req as unknown as FastifySessionRequest).session));
  app.get("/api/optional", { preHandler: verifyFastify({ sessionRequired: false }) }, async (req) =>
    sessionJson((req as unknown as FastifySessionRequest).session),
  );
  app.post("/api/merge", { preHandler: verifyFastify() }, async (req) => {
    const session = (req as unknown as FastifySessionRequest).session!;
    await session.mergeIntoAccessTokenPayload({ role: "admin" });
    return sessionJson(session);
  });
  app.get("/api/throws", async () => {
    await Session.getSessionWithoutRequestResponse("not-a-token");
    return {};
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const port = (app.server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export function startApp(framework: Framework): Promise<App> {
  return framework === "express" ? startExpressApp() : startFastifyApp();
}
