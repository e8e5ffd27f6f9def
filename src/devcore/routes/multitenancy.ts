/**
 * Multitenancy (v2 APIs) within the one app the dev core has ("public").
 * No licence is needed here, unlike the real core for non-public tenants.
 */
import { badRequest, json, ok } from "../http.js";
import type { JsonObject } from "../input.js";
import type { Route } from "../router.js";
import type { DevCoreState } from "../state.js";
import { PUBLIC_TENANT, type TenantRecord } from "../storage/store.js";

const TENANT_ID = /^[a-z0-9-]+$/;
const RESERVED_TENANT_IDS = new Set(["recipe", "config", "users", "hello", "appid"]);

function tenantJson(tenant: TenantRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { tenantId: tenant.tenantId, thirdParty: { providers: [] } };
  if (tenant.firstFactors != null) out.firstFactors = tenant.firstFactors;
  if (tenant.requiredSecondaryFactors != null) out.requiredSecondaryFactors = tenant.requiredSecondaryFactors;
  out.coreConfig = tenant.coreConfig;
  return out;
}

/** Deletes a tenant's sessions and its users' tenant membership (users left in no tenant are removed). */
function removeTenantData(state: DevCoreState, app: string, tenantId: string): void {
  for (const session of state.store.listSessions(app)) if (session.tenantId === tenantId) state.store.deleteSession(app, session.handle);
  for (const user of state.store.listUsers(app)) {
    if (!user.tenantIds.includes(tenantId)) continue;
    state.store.deleteUser(app, user.id);
    const remaining = user.tenantIds.filter((t) => t !== tenantId);
    if (remaining.length > 0) state.store.putUser(app, { ...user, tenantIds: remaining });
    else state.store.deleteMetadata(app, user.id);
  }
}

export const multitenancyRoutes: Route[] = [
  {
    method: "PUT",
    path: "/recipe/multitenancy/tenant/v2",
    tenantScoped: false,
    handle: ({ state, appId, body }) => {
      const input = body();
      // Paths are matched lower-cased, so tenant ids are stored lower-cased too.
      const tenantId = input.string("tenantId").trim().toLowerCase();
      if (!TENANT_ID.test(tenantId) || RESERVED_TENANT_IDS.has(tenantId) || tenantId.startsWith("appid-")) {
        throw badRequest(`Invalid tenantId '${tenantId.slice(0, 64)}': use lower-case letters, digits and '-', not a reserved word (recipe, config, users, hello) nor an 'appid-' prefix`);
      }
      const firstFactors = input.nullableStringArray("firstFactors");
      const requiredSecondaryFactors = input.nullableStringArray("requiredSecondaryFactors");
      const coreConfig = input.optionalObject("coreConfig");
      const createdNew = state.store.transaction(() => {
        const existing = state.store.getTenant(appId, tenantId);
        const base = existing ?? { tenantId, coreConfig: Object.create(null) as JsonObject };
        const next: TenantRecord = { ...base };
        if (firstFactors !== undefined) next.firstFactors = firstFactors;
        if (requiredSecondaryFactors !== undefined) next.requiredSecondaryFactors = requiredSecondaryFactors;
        if (coreConfig) {
          // Merged into the existing config; a null value removes that key (as the CDI describes).
          const merged: JsonObject = Object.assign(Object.create(null) as JsonObject, base.coreConfig);
          for (const k of Object.keys(coreConfig)) {
            if (coreConfig[k] === null) delete merged[k];
            else merged[k] = coreConfig[k];
          }
          next.coreConfig = merged;
        }
        state.store.putTenant(appId, next);
        return tenantId !== PUBLIC_TENANT && existing === undefined;
      });
      return ok({ createdNew });
    },
  },
  {
    method: "GET",
    path: "/recipe/multitenancy/tenant/v2",
    tenantScoped: true,
    tenantMustExist: false,
    handle: ({ state, appId, tenantId }) => {
      const tenant = state.store.getTenant(appId, tenantId);
      return tenant ? ok(tenantJson(tenant)) : json({ status: "TENANT_NOT_FOUND_ERROR" });
    },
  },
  {
    method: "GET",
    path: "/recipe/multitenancy/tenant/list/v2",
    tenantScoped: false,
    handle: ({ state, appId }) => ok({ tenants: state.store.listTenants(appId).map(tenantJson) }),
  },
  {
    method: "POST",
    path: "/recipe/multitenancy/tenant/remove",
    tenantScoped: false,
    handle: ({ state, appId, body }) => {
      const tenantId = body().string("tenantId").trim().toLowerCase();
      if (tenantId === PUBLIC_TENANT) throw badRequest("Cannot delete public tenant, use a different tenantId");
      const didExist = state.store.transaction(() => {
        const existed = state.store.deleteTenant(appId, tenantId);
        if (existed) removeTenantData(state, appId, tenantId);
        return existed;
      });
      return ok({ didExist });
    },
  },
];
