/**
 * Request input: the body read with a size limit, JSON parsed defensively, and
 * typed field readers whose 400 texts are the SuperTokens core's own
 * ("Field name 'x' is invalid in JSON input", "... is missing in GET request").
 *
 * Safety: parsed objects are only ever read with Object.hasOwn and copied into
 * null-prototype objects (see copyJsonObject), so keys such as "__proto__" or
 * "constructor" are plain data here and can never reach a prototype.
 */
import type { IncomingMessage } from "node:http";
import { CORE_TEXT, CoreHttpError, badRequest } from "./http.js";

export type JsonObject = Record<string, unknown>;

/** Bodies larger than this are refused with 413 (the CDI has no call that needs more). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Deeper JSON is refused: it serves no CDI call and would overflow JSON.stringify's recursion later. */
export const MAX_JSON_DEPTH = 100;
/** An oversized body is drained up to this many times the limit so the 413 can be read; beyond, the socket is destroyed. */
const DRAIN_FACTOR = 16;

/**
 * Reads the whole body. An oversized body is drained (not buffered) so the
 * reply can still be read by the client, then refused with 413.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | CoreHttpError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        // Draining is bounded too: past this, the sender is abusive and the connection is cut.
        if (size > limit * DRAIN_FACTOR) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    const tooLargeError = () => new CoreHttpError(413, `Request body too large: the dev core accepts at most ${limit} bytes`);
    req.on("end", () => resolve(tooLarge ? tooLargeError() : Buffer.concat(chunks)));
    // A client that goes away mid-body is not a server error; the answer goes nowhere, but the request still ends.
    const incomplete = () => resolve(tooLarge ? tooLargeError() : new CoreHttpError(400, "Request body incomplete: the client closed the connection"));
    req.on("error", incomplete);
    req.on("close", () => {
      if (!req.complete) incomplete();
    });
  });
}

/** Parses a JSON object body, or throws the core's 400 `Invalid Json Input`. */
export function parseJsonObject(raw: Buffer): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw badRequest(CORE_TEXT.invalidJson);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw badRequest(CORE_TEXT.invalidJson);
  if (jsonDepth(value) > MAX_JSON_DEPTH) throw badRequest(`${CORE_TEXT.invalidJson}: nested deeper than ${MAX_JSON_DEPTH} levels`);
  return value as JsonObject;
}

/** Nesting depth, computed without recursion so hostile input cannot overflow the stack. */
function jsonDepth(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth > max) max = depth;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return max;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A deep copy into null-prototype objects: safe to merge into and to store. */
export function copyJsonObject(source: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(source), (_key, value: unknown) => {
    if (!isJsonObject(value)) return value;
    const copy: JsonObject = Object.create(null);
    for (const k of Object.keys(value)) copy[k] = value[k];
    return copy;
  }) as JsonObject;
}

const invalidField = (name: string) => badRequest(`Field name '${name}' is invalid in JSON input`);

/** Typed reads of a JSON body's fields. */
export class BodyReader {
  constructor(private readonly body: JsonObject) {}

  has(name: string): boolean {
    return Object.hasOwn(this.body, name) && this.body[name] !== null && this.body[name] !== undefined;
  }

  private get(name: string): unknown {
    return Object.hasOwn(this.body, name) ? this.body[name] : undefined;
  }

  string(name: string): string {
    const v = this.get(name);
    if (typeof v !== "string") throw invalidField(name);
    return v;
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  boolean(name: string): boolean {
    const v = this.get(name);
    if (typeof v !== "boolean") throw invalidField(name);
    return v;
  }

  optionalBoolean(name: string, fallback: boolean): boolean {
    return this.has(name) ? this.boolean(name) : fallback;
  }

  object(name: string): JsonObject {
    const v = this.get(name);
    if (!isJsonObject(v)) throw invalidField(name);
    return copyJsonObject(v);
  }

  optionalObject(name: string): JsonObject | undefined {
    return this.has(name) ? this.object(name) : undefined;
  }

  stringArray(name: string): string[] {
    const v = this.get(name);
    if (!Array.isArray(v) || !v.every((item) => typeof item === "string")) throw invalidField(name);
    return [...(v as string[])];
  }

  /** undefined when absent, null when explicitly null, else a string array. */
  nullableStringArray(name: string): string[] | null | undefined {
    if (!Object.hasOwn(this.body, name)) return undefined;
    if (this.body[name] === null) return null;
    return this.stringArray(name);
  }
}

/** Typed reads of query parameters (first value wins, as in the core's servlet getParameter). */
export class QueryReader {
  constructor(private readonly params: URLSearchParams) {}

  optionalString(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  string(name: string): string {
    const v = this.params.get(name);
    if (v === null) throw badRequest(`Field name '${name}' is missing in GET request`);
    return v;
  }

  optionalBoolean(name: string, fallback: boolean): boolean {
    const v = this.params.get(name);
    if (v === null) return fallback;
    if (v === "true") return true;
    if (v === "false") return false;
    throw badRequest(`Field name '${name}' is invalid in GET request`);
  }
}
