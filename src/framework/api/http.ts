/**
 * The small request/response abstraction the auth APIs are written against,
 * so one implementation serves Express, Fastify and the standalone server.
 *
 * Requests are read through AuthRequest. Everything a handler wants to send
 * back (status, JSON body, headers, cookies) is collected in a ReplyBag; the
 * adapter copies it onto its native response. Collecting first (rather than
 * writing through) lets a later step overwrite an earlier one, e.g. a cookie
 * cleared and then set again in the same response is sent once, as set.
 */

export interface AuthRequest {
  /** Upper case: "GET", "POST". */
  readonly method: string;
  /** The URL path, without the query string, as received (not decoded). */
  readonly path: string;
  /** A request header by lower-case name; repeated headers joined with ", ". */
  header(name: string): string | undefined;
  /** A query parameter (the first when repeated). */
  query(name: string): string | undefined;
  /** The parsed JSON body; `{}` when there is none. Rejects with a BAD_INPUT error when it is not JSON. */
  jsonBody(): Promise<unknown>;
}

export class ReplyBag {
  status = 200;
  /** undefined: the handler did not answer (the adapter passes the request on). */
  body: unknown = undefined;
  readonly headers = new Map<string, string>();
  /** Serialised Set-Cookie values, keyed by cookie name and path: the last write wins. */
  readonly cookies = new Map<string, string>();
  readonly exposed = new Set<string>();
  /** Headers to take off the native response (set there by an earlier step of the same request). */
  readonly removed = new Set<string>();

  setHeader(name: string, value: string): void {
    this.headers.set(name.toLowerCase(), value);
    this.removed.delete(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
    this.removed.add(name.toLowerCase());
  }

  /** Sets a header the browser code must be able to read (listed in Access-Control-Expose-Headers). */
  setExposedHeader(name: string, value: string): void {
    this.setHeader(name, value);
    this.exposed.add(name.toLowerCase());
  }

  setCookie(name: string, path: string, serialised: string): void {
    this.cookies.set(`${name};${path}`, serialised);
  }

  sendJSON(status: number, body: unknown): void {
    this.status = status;
    this.body = body;
  }

  /** Every header to send, Set-Cookie as an array, in a form each adapter can apply with one loop. */
  headerList(): [string, string | string[]][] {
    const list: [string, string | string[]][] = [...this.headers];
    if (this.exposed.size > 0) list.push(["access-control-expose-headers", [...this.exposed].join(", ")]);
    if (this.cookies.size > 0) list.push(["set-cookie", [...this.cookies.values()]]);
    return list;
  }
}

/**
 * Merges the bag's Set-Cookie values with those already on a native response,
 * dropping older values of the same cookie name and path. Used by adapters
 * that apply a bag more than once (a session changed after verifySession).
 */
export function mergeSetCookie(existing: unknown, bag: ReplyBag): string[] {
  const previous = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  const keys = new Set(bag.cookies.keys());
  const kept = previous.filter((c) => !keys.has(cookieKey(c)));
  return [...kept, ...bag.cookies.values()];
}

function cookieKey(setCookie: string): string {
  const name = setCookie.slice(0, setCookie.indexOf("="));
  const path = /;\s*path=([^;]*)/i.exec(setCookie)?.[1] ?? "";
  return `${name};${path}`;
}

/** Merges Access-Control-Expose-Headers values without repeating a name. */
export function mergeExposeHeaders(existing: unknown, added: string): string {
  const names = new Set<string>();
  for (const part of [String(existing ?? ""), added].join(",").split(",")) {
    const name = part.trim();
    if (name !== "") names.add(name);
  }
  return [...names].join(", ");
}
