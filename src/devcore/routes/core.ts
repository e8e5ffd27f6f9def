/** Core APIs: version negotiation, liveness, and the public signing keys. */
import { json, ok, text } from "../http.js";
import type { Route } from "../router.js";
import { SUPPORTED_CDI_VERSIONS } from "../state.js";

const hello = (method: Route["method"], path: string): Route => ({
  method,
  path,
  tenantScoped: true,
  apiKey: false,
  cdiVersion: false,
  handle: () => text(200, "Hello"),
});

export const coreRoutes: Route[] = [
  {
    method: "GET",
    path: "/apiversion",
    tenantScoped: false,
    cdiVersion: false,
    handle: () => json({ versions: [...SUPPORTED_CDI_VERSIONS] }),
  },
  hello("GET", "/"),
  ...(["GET", "POST", "PUT", "DELETE"] as const).map((m) => hello(m, "/hello")),
  {
    method: "GET",
    path: "/.well-known/jwks.json",
    tenantScoped: false,
    apiKey: false,
    cdiVersion: false,
    handle: ({ state }) => ({
      status: 200,
      json: { keys: state.keys.jwks() },
      headers: { "cache-control": `max-age=${state.keys.jwksMaxAgeSeconds()}, must-revalidate` },
    }),
  },
  {
    // Deprecated in the CDI, still served by the core.
    method: "GET",
    path: "/recipe/jwt/jwks",
    tenantScoped: false,
    handle: ({ state }) => ok({ keys: state.keys.jwks() }),
  },
];
