/**
 * What telemetry may show of a request. Secrets (the API key, passwords, tokens,
 * cookies) must never reach a span, a metric or a diagnostics message, so every
 * value that leaves the querier for telemetry passes through here.
 */
import type { HttpRequest, QueryParamValue } from "../querier/types.js";

export const REDACTED = "REDACTED";

/**
 * Query parameters whose values are always redacted in url.full: the semantic
 * conventions' defaults (matched case-sensitively, as they specify) ...
 */
const SEMCONV_SENSITIVE_QUERY = new Set([
  "AWSAccessKeyId",
  "Signature",
  "sig",
  "X-Goog-Signature",
  "X-Amz-Signature",
  "X-Amz-Credential",
  "X-Amz-Security-Token",
]);

/**
 * ... and any key (query parameter or body field) that looks like a secret,
 * matched case-insensitively on the key with `-` and `_` removed:
 * password, token, accessToken, refreshToken, antiCsrfToken, clientSecret, apiKey...
 */
const SECRET_LIKE = /pass(word|wd)?|token|secret|api-?_?key|authoriz|cookie|privatekey|signingkey|otp|linkcode|inputcode|credential/i;

export function isSecretKey(key: string, extra: ReadonlySet<string>): boolean {
  return SECRET_LIKE.test(key) || (extra.size > 0 && extra.has(key.toLowerCase()));
}

/**
 * url.full of a request: its URL with `params` merged into the query (the way the
 * querier sends it), credentials replaced by REDACTED:REDACTED and the values of
 * sensitive query parameters replaced by REDACTED.
 */
export function redactedFullUrl(request: Pick<HttpRequest, "url" | "params">, extra: ReadonlySet<string>): string {
  const { url, params } = request;
  let hasParams = false;
  if (params) {
    for (const k in params) {
      if (params[k] !== undefined) {
        hasParams = true;
        break;
      }
    }
  }
  const plain = !url.includes("@") && !url.includes("?");
  // Fast paths: nothing that could hold a secret, and params appended the way the querier does.
  if (plain && !hasParams) return url;
  if (plain && !url.includes("#")) return url + queryOf(params!, extra);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "<invalid url>";
  }
  if (hasParams) {
    for (const k in params) {
      const v = params![k];
      if (v !== undefined) parsed.searchParams.set(k, String(v));
    }
  }
  return redactUrl(parsed, extra);
}

/** "?k=v&..." for the defined params, with the values of sensitive keys redacted. */
function queryOf(params: Record<string, QueryParamValue>, extra: ReadonlySet<string>): string {
  let qs = "";
  for (const k in params) {
    const v = params[k];
    if (v === undefined) continue;
    const value = SEMCONV_SENSITIVE_QUERY.has(k) || isSecretKey(k, extra) ? REDACTED : String(v);
    qs += (qs === "" ? "?" : "&") + encodeURIComponent(k) + "=" + encodeURIComponent(value);
  }
  return qs;
}

function redactUrl(parsed: URL, extra: ReadonlySet<string>): string {
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = REDACTED;
  }
  if (parsed.search) {
    let dirty = false;
    const out = new URLSearchParams();
    for (const [k, v] of parsed.searchParams) {
      if (SEMCONV_SENSITIVE_QUERY.has(k) || isSecretKey(k, extra)) {
        out.append(k, REDACTED);
        dirty = true;
      } else out.append(k, v);
    }
    if (dirty) parsed.search = out.toString();
  }
  return parsed.href;
}

/**
 * The body as telemetry may show it: JSON with the values of secret-like keys
 * replaced (at any depth), truncated to maxLength characters without splitting
 * a surrogate pair.
 */
export function redactedBody(body: unknown, extra: ReadonlySet<string>, maxLength: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(body, (key, value) => (key !== "" && isSecretKey(key, extra) ? REDACTED : value));
  } catch {
    json = "<unserialisable body>";
  }
  if (json === undefined) return "";
  if (json.length <= maxLength) return json;
  let end = maxLength;
  const code = json.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return json.slice(0, end);
}

/** Header values with secrets replaced, for diagnostics_channel subscribers. */
export function redactedHeaders(headers: Record<string, string>, neverShown: ReadonlySet<string>, extra: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    // The always-hidden names, and any name that looks like it carries a secret (x-access-token, x-api-key...).
    out[name] = neverShown.has(name.toLowerCase()) || isSecretKey(name, extra) ? REDACTED : headers[name]!;
  }
  return out;
}
