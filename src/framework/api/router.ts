/**
 * Finds the auth API for a request under appInfo.apiBasePath (also in its
 * /<tenantId>/ form) and runs it inside the INTERNAL span `auth.<api>`, so the
 * recipe spans and the core CLIENT spans of one sign-in sit under one node
 * of the framework's server span.
 */
import type { UserContext } from "../../querier/types.js";
import { DEFAULT_TENANT_ID } from "../../recipe/constants.js";
import { getAppInfo } from "../../recipe/registry.js";
import { withRecipeSpan } from "../../telemetry/recipeSpan.js";
import { AUTH_APIS, type AuthApi } from "./apis.js";
import { handleAuthError } from "./errors.js";
import type { AuthRequest, ReplyBag } from "./http.js";

export interface ApiMatch {
  api: AuthApi;
  tenantId: string;
}

/** The API this method and path name, or undefined (not ours: the app handles it). */
export function matchAuthApi(method: string, path: string): ApiMatch | undefined {
  const base = getAppInfo().apiBasePath;
  if (base !== "" && !(path.startsWith(base) && path.charAt(base.length) === "/")) return undefined;
  let rest = path.slice(base.length);
  if (rest.length > 1 && rest.endsWith("/")) rest = rest.slice(0, -1);
  const candidates = AUTH_APIS.filter((a) => a.method === method);
  const exact = candidates.find((a) => a.path === rest);
  if (exact !== undefined) return { api: exact, tenantId: DEFAULT_TENANT_ID };
  const slash = rest.indexOf("/", 1);
  if (slash === -1) return undefined;
  let tenantId: string;
  try {
    tenantId = decodeURIComponent(rest.slice(1, slash));
  } catch {
    return undefined;
  }
  const tail = rest.slice(slash);
  const scoped = candidates.find((a) => a.tenantScoped && a.path === tail);
  return scoped === undefined || tenantId === "" ? undefined : { api: scoped, tenantId };
}

/**
 * Serves `req` when it is an auth API: fills `reply` and resolves true.
 * Resolves false when it is not one. Errors that are not auth outcomes
 * (a core that is down, a bug) reject, for the framework's error handling.
 */
export async function handleAuthRequest(req: AuthRequest, reply: ReplyBag, userContext: UserContext): Promise<boolean> {
  const match = matchAuthApi(req.method, req.path);
  if (match === undefined) return false;
  await withRecipeSpan("auth", match.api.id, match.tenantId, async (span) => {
    try {
      await match.api.run({ req, reply, tenantId: match.tenantId, userContext });
      const status = (reply.body as { status?: unknown } | undefined)?.status;
      span.setResultStatus(typeof status === "string" ? status : "OK");
    } catch (err) {
      const outcome = await handleAuthError(err, reply, userContext);
      if (outcome === undefined) throw err;
      span.setResultStatus(outcome);
    }
  });
  return true;
}
