/**
 * Runs the user's network interceptor(s) for one attempt and checks what they
 * return. Each attempt hands the chain a deep copy of that attempt's request,
 * so an interceptor that mutates in place changes neither the original (used
 * by telemetry to diff) nor the next attempt.
 */
import { InterceptorError } from "./errors.js";
import { parseUrl } from "./request.js";
import type { HttpMethod, HttpRequest, NetworkInterceptor, UserContext } from "./types.js";

const METHODS: ReadonlySet<string> = new Set<HttpMethod>(["get", "post", "put", "delete", "patch"]);
/** RFC 9110 token: what undici accepts as a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_HEADER_VALUE = /[\r\n\0]/;

/**
 * Runs the chain. Interceptors that answer synchronously are run without a promise
 * (each one costs more once an OpenTelemetry context manager is installed); the first
 * one that returns a thenable moves the rest of the chain onto the async path.
 * A synchronous throw is thrown as an InterceptorError, so callers handle both alike.
 */
export function runInterceptors(
  interceptors: readonly NetworkInterceptor[],
  original: HttpRequest,
  userContext: UserContext,
): HttpRequest | Promise<HttpRequest> {
  let req = copyRequest(original);
  for (let i = 0; i < interceptors.length; i++) {
    let out: unknown;
    try {
      out = interceptors[i]!(req, userContext);
    } catch (cause) {
      throw threw(interceptors, i, cause);
    }
    if (isThenable(out)) return finishAsync(interceptors, i, out, userContext);
    req = validate(out, interceptors, i);
  }
  return req;
}

async function finishAsync(
  interceptors: readonly NetworkInterceptor[],
  first: number,
  pending: PromiseLike<unknown>,
  userContext: UserContext,
): Promise<HttpRequest> {
  let out: unknown;
  try {
    out = await pending;
  } catch (cause) {
    throw threw(interceptors, first, cause);
  }
  let req = validate(out, interceptors, first);
  for (let i = first + 1; i < interceptors.length; i++) {
    try {
      out = await interceptors[i]!(req, userContext);
    } catch (cause) {
      throw threw(interceptors, i, cause);
    }
    req = validate(out, interceptors, i);
  }
  return req;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}

function threw(interceptors: readonly NetworkInterceptor[], i: number, cause: unknown): InterceptorError {
  return new InterceptorError(`networkInterceptor${label(interceptors, i)} threw: ${messageOf(cause)}; nothing was sent`, cause, i);
}

function copyRequest(r: HttpRequest): HttpRequest {
  const copy: HttpRequest = { url: r.url, method: r.method, headers: { ...r.headers } };
  if (r.params !== undefined) copy.params = { ...r.params };
  if (r.body !== undefined) copy.body = deepCopy(r.body);
  return copy;
}

function deepCopy(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  try {
    return structuredClone(value);
  } catch {
    // Not cloneable (e.g. holds a function): JSON is what is sent anyway.
    return JSON.parse(JSON.stringify(value));
  }
}

/** Checks an interceptor's return value; returns it with the method lower-cased. */
function validate(out: unknown, chain: readonly NetworkInterceptor[], i: number): HttpRequest {
  const fail = (what: string): never => {
    throw new InterceptorError(`networkInterceptor${label(chain, i)} returned an invalid request: ${what}; nothing was sent`, undefined, i);
  };
  if (typeof out !== "object" || out === null || Array.isArray(out)) {
    return fail(`expected a request object, got ${out === null ? "null" : Array.isArray(out) ? "an array" : typeof out}`);
  }
  const r = out as Record<string, unknown>;
  if (typeof r.url !== "string") return fail("url must be a string");
  const url = parseUrl(r.url);
  if (url === null) return fail(`url ${JSON.stringify(r.url)} is not an absolute URL`);
  if (url.protocol !== "http:" && url.protocol !== "https:") return fail(`url must be http(s), got ${url.protocol}`);
  if (url.hasCredentials) return fail("url must not contain credentials");
  if (typeof r.method !== "string") return fail("method must be a string");
  const method = r.method.toLowerCase();
  if (!METHODS.has(method)) return fail(`unknown method ${JSON.stringify(r.method)} (use get, post, put, delete or patch)`);
  const headers = r.headers;
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return fail("headers must be an object");
  // Copied: telemetry adds trace headers to the final request, and must not write
  // into an object the interceptor may reuse (e.g. a shared constant).
  const headersCopy: Record<string, string> = {};
  for (const name in headers) {
    const v = (headers as Record<string, unknown>)[name];
    if (!validHeaderName(name)) return fail(`header name ${JSON.stringify(name)} is not valid`);
    // Never echo a header's value: it may be a secret.
    if (typeof v !== "string") return fail(`header "${name}" must be a string, got ${typeof v}`);
    if (BAD_HEADER_VALUE.test(v)) return fail(`header "${name}" contains a line break or NUL`);
    headersCopy[name] = v;
  }
  const params = r.params;
  if (params !== undefined) {
    if (typeof params !== "object" || params === null || Array.isArray(params)) return fail("params must be an object or undefined");
    for (const key in params) {
      const t = typeof (params as Record<string, unknown>)[key];
      if (t !== "string" && t !== "number" && t !== "boolean" && t !== "undefined") {
        return fail(`params.${key} must be a string, number, boolean or undefined, got ${t}`);
      }
    }
  }
  const result: HttpRequest = { url: r.url, method: method as HttpMethod, headers: headersCopy };
  if (params !== undefined) result.params = params as HttpRequest["params"];
  if (r.body !== undefined) result.body = r.body;
  return result;
}

/** Header names repeat on every call (api-key, rid...): remember the valid ones. */
const validNames = new Set<string>();

function validHeaderName(name: string): boolean {
  if (validNames.has(name)) return true;
  if (!HEADER_NAME.test(name)) return false;
  if (validNames.size >= 1_000) validNames.clear();
  validNames.add(name);
  return true;
}

function label(chain: readonly NetworkInterceptor[], i: number): string {
  return chain.length > 1 ? `[${i}]` : "";
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
