// The tenant-header pattern: the tenant comes from the incoming request, rides
// along in AsyncLocalStorage, and the network interceptor stamps it on every
// request corelens sends to the core (and, when configured, sends that tenant's
// calls to its own core base URL). Copy this file; it needs nothing but node.
import { AsyncLocalStorage } from "node:async_hooks";

const tenantStore = new AsyncLocalStorage();

// The core's own rule for tenant ids (lower case, digits, '-').
const TENANT_ID = /^[a-z0-9-]{1,64}$/;

/** Express middleware: reads `x-tenant-id` (default "public") and runs the rest of the request inside it. */
export function tenantContext(req, res, next) {
  const tenantId = String(req.get("x-tenant-id") ?? "public").toLowerCase();
  if (!TENANT_ID.test(tenantId)) {
    res.status(400).json({ error: "x-tenant-id must be 1-64 lower-case letters, digits or '-'" });
    return;
  }
  // Everything the handlers await (recipe calls, the querier, the interceptor) sees this store.
  tenantStore.run({ tenantId }, next);
}

/** The tenant of the request being handled, or undefined outside a request (startup work). */
export function currentTenant() {
  return tenantStore.getStore()?.tenantId;
}

/**
 * The network interceptor. `baseUrls` maps a tenant to the core base URL its
 * calls must go to (e.g. { acme: "http://core-eu:3567/shard-2" }); other tenants
 * keep the connectionURI host. It assumes the connectionURI hosts have no base
 * path of their own, so the URL path is the CDI path.
 */
export function tenantHeaderInterceptor({ baseUrls = {} } = {}) {
  for (const [tenant, base] of Object.entries(baseUrls)) {
    if (!TENANT_ID.test(tenant)) throw new TypeError(`tenant base URLs: '${tenant}' is not a tenant id`);
    new URL(base); // throws a clear TypeError on a bad URL at startup, not on the first request
  }
  return (request) => {
    const tenantId = currentTenant();
    if (tenantId === undefined) return request;
    const routed = { ...request, headers: { ...request.headers, "x-tenant-id": tenantId } };
    const base = baseUrls[tenantId];
    if (base !== undefined) {
      const url = new URL(request.url);
      routed.url = base.replace(/\/+$/, "") + url.pathname + url.search;
    }
    return routed;
  };
}

/** Reads TENANT_CORE_BASE_URLS (JSON: {"tenant":"http://host:port/base"}) for the servers. */
export function baseUrlsFromEnv(env = process.env) {
  const raw = env.TENANT_CORE_BASE_URLS;
  if (raw === undefined || raw === "") return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new TypeError(`TENANT_CORE_BASE_URLS must be JSON such as {"acme":"http://127.0.0.1:3567"} (got ${raw.slice(0, 40)})`);
  }
}
