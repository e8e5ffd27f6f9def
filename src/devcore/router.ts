/**
 * Routing as the core does it: every API may be called with an optional
 * `/appid-<appId>` prefix and an optional `/<tenantId>` prefix
 * (`^(/appid-[a-z0-9-]*)?(/(?!recipe/|config/|users/|hello/)[a-z0-9-]+)?<apiPath>/?$`,
 * lower-cased). Routes are data: one table entry per method and API path.
 */
import type { Reply } from "./http.js";
import type { BodyReader, QueryReader } from "./input.js";
import type { DevCoreState } from "./state.js";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface RouteContext {
  state: DevCoreState;
  appId: string;
  tenantId: string;
  query: QueryReader;
  /** Parses the JSON body on first use; a bad body is the core's 400. */
  body(): BodyReader;
}

export interface Route {
  method: Method;
  /** The API path without prefixes, lower case, e.g. "/recipe/signup". */
  path: string;
  /** The CDI path has `<tenantId>`: the handler serves any tenant. Otherwise only `public` may call it. */
  tenantScoped: boolean;
  /** Default true. /hello, / and /.well-known/jwks.json answer without an API key. */
  apiKey?: boolean;
  /** Default true. /apiversion, /hello and the JWKS ignore `cdi-version`. */
  cdiVersion?: boolean;
  /** Default true: an unknown tenant is the core's 400. Tenant get answers TENANT_NOT_FOUND_ERROR itself. */
  tenantMustExist?: boolean;
  handle(ctx: RouteContext): Reply | Promise<Reply>;
}

export type RouteMatch =
  | { kind: "found"; route: Route; appId: string; tenantId: string; template: string }
  | { kind: "wrong-method"; route: Route; appId: string; tenantId: string; template: string }
  | { kind: "not-found" };

const APP_SEGMENT = /^appid-([a-z0-9-]*)$/;
const TENANT_SEGMENT = /^[a-z0-9-]+$/;
const RESERVED_TENANT_SEGMENTS = new Set(["recipe", "config", "users", "hello"]);

export class Router {
  private readonly byPath = new Map<string, Map<string, Route>>();

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      let methods = this.byPath.get(route.path);
      if (!methods) this.byPath.set(route.path, (methods = new Map()));
      if (methods.has(route.method)) throw new Error(`duplicate dev core route ${route.method} ${route.path}`);
      methods.set(route.method, route);
    }
  }

  match(method: string, rawPath: string): RouteMatch {
    let path = rawPath.toLowerCase();
    if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
    let appId = "public";
    let appPrefix = "";
    const appMatch = APP_SEGMENT.exec(firstSegment(path));
    if (appMatch) {
      appId = appMatch[1] || "public";
      appPrefix = "/appid-<appId>";
      path = path.slice(firstSegment(path).length + 1) || "/";
    }
    let tenantId = "public";
    let methods = this.byPath.get(path);
    if (!methods) {
      const segment = firstSegment(path);
      if (TENANT_SEGMENT.test(segment) && !RESERVED_TENANT_SEGMENTS.has(segment) && !APP_SEGMENT.test(segment)) {
        const rest = path.slice(segment.length + 1) || "/";
        methods = this.byPath.get(rest);
        if (methods) {
          tenantId = segment;
          path = rest;
        }
      }
    }
    if (!methods) return { kind: "not-found" };
    const route = methods.get(method);
    const any = route ?? methods.values().next().value!;
    const template = appPrefix + (any.tenantScoped ? (path === "/" ? "/<tenantId>/" : `/<tenantId>${path}`) : path);
    return { kind: route ? "found" : "wrong-method", route: any, appId, tenantId, template };
  }
}

function firstSegment(path: string): string {
  const end = path.indexOf("/", 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}
