/**
 * Fastify request/reply ↔ AuthRequest/ReplyBag (internal: shared by the
 * plugin and verifySession; not part of the package's public API).
 * corelens does not depend on Fastify: these types are the few members it uses.
 */
import type { IncomingMessage } from "node:http";
import { mergeExposeHeaders, mergeSetCookie, type AuthRequest, type ReplyBag } from "../api/http.js";
import { headerOf, parseJsonText } from "../api/node.js";

export interface FastifyRequestLike {
  method: string;
  url: string;
  raw: IncomingMessage;
  body?: unknown;
}

export interface FastifyReplyLike {
  sent: boolean;
  code(status: number): FastifyReplyLike;
  header(name: string, value: unknown): FastifyReplyLike;
  getHeader(name: string): unknown;
  removeHeader(name: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

export interface FastifyInstanceLike {
  removeContentTypeParser?(contentType: string | string[]): unknown;
  route(options: { method: string; url: string; handler: (req: any, reply: any) => Promise<unknown> }): unknown;
  addContentTypeParser(
    contentType: string | string[],
    options: { parseAs: "string" },
    parser: (req: unknown, body: string, done: (err: Error | null, body?: unknown) => void) => void,
  ): unknown;
}

export function fastifyAuthRequest(req: FastifyRequestLike): AuthRequest {
  const parsed = new URL(req.url, "http://localhost");
  return {
    method: req.method.toUpperCase(),
    path: parsed.pathname,
    header: (name) => headerOf(req.raw.headers, name),
    query: (name) => parsed.searchParams.get(name) ?? undefined,
    jsonBody: async () => (req.body === undefined || req.body === null ? {} : typeof req.body === "string" ? parseJsonText(req.body) : req.body),
  };
}

/** Copies the bag's headers onto the reply (merging Set-Cookie and expose lists with what is there). */
export function applyFastifyHeaders(reply: FastifyReplyLike, bag: ReplyBag): void {
  if (reply.sent) return;
  for (const name of bag.removed) reply.removeHeader(name);
  for (const [name, value] of bag.headerList()) {
    if (name === "set-cookie") reply.header(name, mergeSetCookie(reply.getHeader(name), bag));
    else if (name === "access-control-expose-headers") reply.header(name, mergeExposeHeaders(reply.getHeader(name), value as string));
    else reply.header(name, value);
  }
}

export function sendFastifyReply(reply: FastifyReplyLike, bag: ReplyBag): FastifyReplyLike {
  applyFastifyHeaders(reply, bag);
  return reply.code(bag.status).header("content-type", "application/json; charset=utf-8").send(JSON.stringify(bag.body ?? {}));
}

