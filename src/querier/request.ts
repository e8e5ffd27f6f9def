/**
 * CoreCall + host → the HttpRequest of one attempt, and HttpRequest → what
 * undici sends. A new request is built for every attempt, so nothing an
 * interceptor (or telemetry) does to one attempt leaks into the next.
 */
import type { CoreHost } from "../config/types.js";
import type { CoreCall, HttpMethod, HttpRequest, QueryParamValue } from "./types.js";

export type WireMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

export const WIRE_METHOD: Readonly<Record<HttpMethod, WireMethod>> = {
  get: "GET",
  post: "POST",
  put: "PUT",
  delete: "DELETE",
  patch: "PATCH",
};

/** What the transport sends: already split into origin and path+query, body serialised. */
export interface WireRequest {
  origin: string;
  /** Path and query string, e.g. "/appid-x/recipe/user?userId=1". */
  path: string;
  method: WireMethod;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A CDI path template, parsed once: "/<tenantId>/recipe/signup" → static parts and keys. */
export interface PathTemplate {
  template: string;
  /** parts.length === keys.length + 1; the path is parts[0] + value(keys[0]) + parts[1] ... */
  parts: string[];
  keys: string[];
  /** Segment 1 or 2 is "recipe": such paths get the `rid` header. */
  isRecipePath: boolean;
}

const PLACEHOLDER = /<([^<>/]+)>/g;
const templates = new Map<string, PathTemplate>();
/** Templates are constants in recipes, but callCore may see arbitrary paths: keep the memo bounded. */
const MAX_TEMPLATES = 1_000;

export function parseTemplate(template: string): PathTemplate {
  let t = templates.get(template);
  if (t !== undefined) return t;
  const path = template.startsWith("/") ? template : "/" + template;
  const parts: string[] = [];
  const keys: string[] = [];
  let last = 0;
  for (const m of path.matchAll(PLACEHOLDER)) {
    parts.push(path.slice(last, m.index));
    keys.push(m[1]!);
    last = m.index + m[0].length;
  }
  parts.push(path.slice(last));
  // A callCore path may carry a query string: it goes on the wire, but never into the template,
  // which names spans and metric series (a query holds ids, emails, tokens).
  const query = path.indexOf("?");
  const route = query === -1 ? path : path.slice(0, query);
  const segments = route.split("/");
  t = { template: query === -1 ? template : route, parts, keys, isRecipePath: segments[1] === "recipe" || segments[2] === "recipe" };
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(template, t);
  return t;
}

/** Fills placeholders, URL-encoding each value (a tenant id can never add a path segment). */
export function fillPath(t: PathTemplate, pathParams: Record<string, string> | undefined): string {
  if (t.keys.length === 0) return t.parts[0]!;
  let out = t.parts[0]!;
  for (let i = 0; i < t.keys.length; i++) {
    const key = t.keys[i]!;
    const value = pathParams?.[key];
    if (typeof value !== "string" || value === "") {
      throw new TypeError(`core path ${t.template} needs pathParams.${key} (a non-empty string)`);
    }
    out += encodeURIComponent(value) + t.parts[i + 1]!;
  }
  return out;
}

const urlsByHost = new WeakMap<CoreHost, Map<string, string>>();

/**
 * origin + basePath + path, the same string object each time for the same host and path:
 * its hash is then computed once, which makes the memoised URL parse that follows cheap.
 */
function urlOf(host: CoreHost, filledPath: string): string {
  let urls = urlsByHost.get(host);
  if (urls === undefined) urlsByHost.set(host, (urls = new Map()));
  let url = urls.get(filledPath);
  if (url === undefined) {
    url = host.origin + host.basePath + filledPath;
    if (urls.size >= MAX_TEMPLATES) urls.clear();
    urls.set(filledPath, url);
  }
  return url;
}

/** The request of one attempt, as the interceptor sees it. Headers are always a new object. */
export function buildRequest(
  call: CoreCall,
  filledPath: string,
  host: CoreHost,
  headers: Record<string, string>,
): HttpRequest {
  const req: HttpRequest = { url: urlOf(host, filledPath), method: call.method, headers };
  if (call.params !== undefined) req.params = call.params;
  if (call.body !== undefined) req.body = call.body;
  return req;
}

/**
 * Query string for params ("" when none); undefined values are left out.
 * `hasQuery`: the path already carries one (a callCore path may), so append with "&".
 */
export function queryString(params: Record<string, QueryParamValue> | undefined, hasQuery = false): string {
  if (params === undefined) return "";
  let qs = "";
  let sep = hasQuery ? "&" : "?";
  for (const key in params) {
    const v = params[key];
    if (v === undefined) continue;
    qs += sep + encodeURIComponent(key) + "=" + encodeURIComponent(String(v));
    sep = "&";
  }
  return qs;
}

/** Fast path: the request is the one corelens built, so origin and path are known without parsing. */
export function wireFromBuilt(req: HttpRequest, host: CoreHost, filledPath: string): WireRequest {
  return {
    origin: host.origin,
    path: host.basePath + filledPath + queryString(req.params, filledPath.includes("?")),
    method: WIRE_METHOD[req.method],
    headers: req.headers,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
  };
}

/** What the querier needs from an absolute URL, parsed once per distinct URL string. */
export interface ParsedUrl {
  protocol: string;
  origin: string;
  pathname: string;
  search: string;
  hasCredentials: boolean;
}

const parsedUrls = new Map<string, ParsedUrl | null>();
/** URLs are a handful of templates x hosts in practice; the bound only limits misuse. */
const MAX_PARSED_URLS = 1_000;

/**
 * `new URL(url)`, memoised by the URL string (null when it does not parse). An interceptor
 * usually returns the URL corelens built, so each attempt would otherwise parse it twice.
 */
export function parseUrl(url: string): ParsedUrl | null {
  let parsed = parsedUrls.get(url);
  if (parsed !== undefined) return parsed;
  try {
    const u = new URL(url);
    parsed = { protocol: u.protocol, origin: u.origin, pathname: u.pathname, search: u.search, hasCredentials: u.username !== "" || u.password !== "" };
  } catch {
    parsed = null;
  }
  if (parsedUrls.size >= MAX_PARSED_URLS) parsedUrls.clear();
  parsedUrls.set(url, parsed);
  return parsed;
}

const FORM_EXTRA = /[!'()~]|%20/;
const FORM_EXTRA_ALL = /[!'()~]|%20/g;
const FORM_ESCAPES: Readonly<Record<string, string>> = { "!": "%21", "'": "%27", "(": "%28", ")": "%29", "~": "%7E", "%20": "+" };

/**
 * The application/x-www-form-urlencoded serialisation URLSearchParams uses (space as "+",
 * only `*-._` and alphanumerics left as they are), built from encodeURIComponent.
 * Throws URIError on a lone surrogate (the caller then lets URLSearchParams do it).
 */
function formEncode(s: string): string {
  const e = encodeURIComponent(s);
  return FORM_EXTRA.test(e) ? e.replace(FORM_EXTRA_ALL, (m) => FORM_ESCAPES[m]!) : e;
}

/**
 * After an interceptor: the URL may be anything it wrote (validated already).
 * A query string in the URL is kept and merged with params; params win on the same key.
 */
export function wireFromIntercepted(req: HttpRequest, bodyText: string | undefined): WireRequest {
  const parsed = parseUrl(req.url);
  // Fast path, same bytes as URLSearchParams would give: the URL has no query of its own.
  if (parsed !== null && parsed.search === "") {
    let query = "";
    let encoded = true;
    try {
      const params = req.params;
      if (params !== undefined) {
        for (const key in params) {
          const v = params[key];
          if (v === undefined) continue;
          query += (query === "" ? "?" : "&") + formEncode(key) + "=" + formEncode(String(v));
        }
      }
    } catch {
      encoded = false; // a lone surrogate: let URLSearchParams replace it as it always has
    }
    if (encoded) {
      return { origin: parsed.origin, path: parsed.pathname + query, method: WIRE_METHOD[req.method], headers: req.headers, body: bodyText };
    }
  }
  const url = new URL(req.url);
  if (req.params !== undefined) {
    for (const key in req.params) {
      const v = req.params[key];
      if (v === undefined) continue;
      url.searchParams.set(key, String(v));
    }
  }
  return {
    origin: url.origin,
    path: url.pathname + url.search,
    method: WIRE_METHOD[req.method],
    headers: req.headers,
    body: bodyText,
  };
}
