/**
 * Express request → AuthRequest (internal: shared by the middleware and
 * verifySession; not part of the package's public API).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { nodeAuthRequest } from "../api/node.js";
import type { AuthRequest } from "../api/http.js";

/** What corelens reads from an Express request. */
export type ExpressRequest = IncomingMessage & { originalUrl?: string; body?: unknown };
export type ExpressResponse = ServerResponse;
export type NextFunction = (err?: unknown) => void;

export function expressAuthRequest(req: ExpressRequest): AuthRequest {
  return nodeAuthRequest(req, req.originalUrl ?? req.url ?? "/", () => req.body);
}
