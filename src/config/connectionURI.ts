/**
 * connectionURI → hosts. `;` separates hosts; whitespace is trimmed and empty
 * entries (a trailing `;`) are ignored. Each host may carry a base path, which
 * is how an app is chosen: "http://core:3567/appid-x".
 */
import { ConfigError } from "../querier/errors.js";
import { MAX_HOSTS } from "../querier/hosts.js";
import type { CoreHost } from "./types.js";

const FIELD = "supertokens.connectionURI";

export function parseConnectionURI(connectionURI: unknown): CoreHost[] {
  if (typeof connectionURI !== "string" || connectionURI.trim() === "") {
    throw new ConfigError(FIELD, `must be a non-empty string such as "http://localhost:3567" (got ${describe(connectionURI)})`);
  }
  const hosts: CoreHost[] = [];
  for (const raw of connectionURI.split(";")) {
    const entry = raw.trim();
    if (entry === "") continue;
    hosts.push(parseHost(entry));
  }
  if (hosts.length > MAX_HOSTS) throw new ConfigError(FIELD, `has ${hosts.length} hosts; at most ${MAX_HOSTS} are supported`);
  if (hosts.length === 0) throw new ConfigError(FIELD, "holds no host; give at least one, e.g. \"http://localhost:3567\"");
  return hosts;
}

function parseHost(entry: string): CoreHost {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new ConfigError(FIELD, `has a host that cannot be parsed: "${entry}" (expected e.g. "http://localhost:3567")`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(FIELD, `has a host that is not http(s): "${entry}" (expected e.g. "http://localhost:3567")`);
  }
  if (url.username || url.password) {
    // Credentials in a URL end up in logs and errors; the API key has its own field.
    throw new ConfigError(FIELD, `has a host with credentials in it ("${url.host}"); remove them and use supertokens.apiKey`);
  }
  if (url.search || url.hash) {
    throw new ConfigError(FIELD, `has a host with a query or fragment: "${entry}"; only a base path is allowed`);
  }
  const basePath = url.pathname.replace(/\/+$/, "");
  return { origin: url.origin, basePath, label: url.origin + basePath };
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value) : typeof value;
}
