/** appInfo → NormalisedAppInfo: required fields checked, domains reduced to origins, base paths normalised. */
import { ConfigError } from "../querier/errors.js";
import type { NormalisedAppInfo } from "../recipe/types.js";
import { describe } from "./connectionURI.js";

export function normaliseAppInfo(appInfo: unknown): NormalisedAppInfo {
  if (typeof appInfo !== "object" || appInfo === null) {
    throw new ConfigError("appInfo", `must be an object with appName, apiDomain and websiteDomain (got ${describe(appInfo)})`);
  }
  const a = appInfo as Record<string, unknown>;
  return {
    appName: requireString(a, "appName"),
    apiDomain: normaliseDomain(requireString(a, "apiDomain"), "appInfo.apiDomain"),
    websiteDomain: normaliseDomain(requireString(a, "websiteDomain"), "appInfo.websiteDomain"),
    apiBasePath: normaliseBasePath(a.apiBasePath, "appInfo.apiBasePath"),
    websiteBasePath: normaliseBasePath(a.websiteBasePath, "appInfo.websiteBasePath"),
  };
}

function requireString(a: Record<string, unknown>, key: string): string {
  const v = a[key];
  if (typeof v !== "string" || v.trim() === "") {
    throw new ConfigError(`appInfo.${key}`, `is required and must be a non-empty string (got ${describe(v)})`);
  }
  return v.trim();
}

/** "example.com" → "https://example.com"; "localhost:3000" → "http://localhost:3000"; paths dropped. */
function normaliseDomain(value: string, field: string): string {
  const local = /^(localhost|127\.|\[::1\])/i.test(value);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : (local ? "http://" : "https://") + value;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http");
    return url.origin;
  } catch {
    throw new ConfigError(field, `is not a valid domain: ${JSON.stringify(value)} (expected e.g. "https://example.com")`);
  }
}

/** undefined → "/auth"; "auth/" → "/auth"; "/" → "". */
function normaliseBasePath(value: unknown, field: string): string {
  if (value === undefined) return "/auth";
  if (typeof value !== "string") throw new ConfigError(field, `must be a string path such as "/auth" (got ${describe(value)})`);
  const trimmed = value.trim().replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "" : "/" + trimmed;
}
