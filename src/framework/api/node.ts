/**
 * AuthRequest and reply writing for Node's own http objects, which Express
 * and the standalone server share (Express's req/res are IncomingMessage and
 * ServerResponse with extras).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { badInput } from "../../recipe/error.js";
import { mergeExposeHeaders, mergeSetCookie, type AuthRequest, type ReplyBag } from "./http.js";

/** Bodies of the auth APIs are a few hundred bytes; refuse anything absurd rather than buffer it. */
const MAX_BODY_BYTES = 1024 * 1024;

export function parseJsonText(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badInput("The request body is not valid JSON.");
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw badInput("The request body is larger than 1 MiB.");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function headerOf(headers: IncomingMessage["headers"], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * `url` is the request's full URL (Express: originalUrl, so a mounted
 * middleware still sees the whole path). `parsedBody` is a body a body parser
 * already read (express.json()); otherwise the stream is read once, on demand.
 */
export function nodeAuthRequest(req: IncomingMessage, url: string, parsedBody?: () => unknown): AuthRequest {
  const parsed = new URL(url, "http://localhost");
  let body: Promise<unknown> | undefined;
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path: parsed.pathname,
    header: (name) => headerOf(req.headers, name),
    query: (name) => parsed.searchParams.get(name) ?? undefined,
    jsonBody: () => {
      if (body === undefined) {
        const already = parsedBody?.();
        if (already !== undefined && typeof already === "object" && already !== null && !Buffer.isBuffer(already)) body = Promise.resolve(already);
        else if (typeof already === "string") body = Promise.resolve().then(() => parseJsonText(already));
        else if (Buffer.isBuffer(already)) body = Promise.resolve().then(() => parseJsonText(already.toString("utf8")));
        else if (req.readableEnded) body = Promise.resolve({});
        else body = readBody(req).then(parseJsonText);
      }
      return body;
    },
  };
}

/** Copies the bag's headers onto a response not yet sent, keeping unrelated Set-Cookie and expose values already there. */
export function applyHeaders(res: Pick<ServerResponse, "getHeader" | "setHeader" | "removeHeader" | "headersSent">, reply: ReplyBag): void {
  if (res.headersSent) return;
  for (const name of reply.removed) res.removeHeader(name);
  for (const [name, value] of reply.headerList()) {
    if (name === "set-cookie") res.setHeader(name, mergeSetCookie(res.getHeader(name), reply));
    else if (name === "access-control-expose-headers") res.setHeader(name, mergeExposeHeaders(res.getHeader(name), value as string));
    else res.setHeader(name, value);
  }
}

/** Sends the bag as the whole response. */
export function sendReply(res: ServerResponse, reply: ReplyBag): void {
  applyHeaders(res, reply);
  const text = JSON.stringify(reply.body ?? {});
  res.statusCode = reply.status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.end(text);
}
