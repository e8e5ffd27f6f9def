/**
 * corelens/recipe/multitenancy: create, read, list and delete tenants.
 *
 *   import Multitenancy from "corelens/recipe/multitenancy";
 *   await Multitenancy.createOrUpdateTenant("customer-a", { firstFactors: ["emailpassword"] });
 */
import type { UserContext } from "../../querier/types.js";
import { withRecipeSpan } from "../../telemetry/recipeSpan.js";
import { DEFAULT_TENANT_ID } from "../constants.js";
import { badInput } from "../error.js";
import { getRecipeInstance } from "../registry.js";
import type { RecipeContext, RecipeFactory } from "../types.js";

export const MULTITENANCY_RECIPE_ID = "multitenancy";
const RID = MULTITENANCY_RECIPE_ID;

export interface TenantConfigInput {
  firstFactors?: string[] | null;
  requiredSecondaryFactors?: string[] | null;
  coreConfig?: { [key: string]: any };
}

export interface TenantConfig {
  thirdParty: { providers: any[] };
  firstFactors?: string[];
  requiredSecondaryFactors?: string[];
  coreConfig: { [key: string]: any };
}

export interface MultitenancyConfigInput {
  /** Accepted for compatibility; only used by the (absent) HTTP layer. */
  getAllowedDomainsForTenantId?: unknown;
  /** Not supported: throws at init. */
  override?: unknown;
}

class MultitenancyRecipe {
  constructor(readonly ctx: RecipeContext) {}
}

const recipe = (): MultitenancyRecipe => getRecipeInstance<MultitenancyRecipe>(MULTITENANCY_RECIPE_ID, "Multitenancy");

function checkTenantId(fn: string, tenantId: unknown): void {
  if (typeof tenantId !== "string" || tenantId.length === 0) {
    throw badInput(`Multitenancy.${fn}: tenantId must be a non-empty string.`);
  }
}

export function init(config?: MultitenancyConfigInput): RecipeFactory<MultitenancyRecipe> {
  if (config?.override !== undefined) {
    throw badInput("Multitenancy.init: `override` is not supported by corelens. Remove it, or wrap the functions in your own code.");
  }
  return { recipeId: MULTITENANCY_RECIPE_ID, build: (ctx) => new MultitenancyRecipe(ctx) };
}

export function createOrUpdateTenant(
  tenantId: string,
  config?: TenantConfigInput,
  userContext?: UserContext,
): Promise<{ status: "OK"; createdNew: boolean }> {
  return withRecipeSpan("multitenancy", "createOrUpdateTenant", tenantId, () => {
    checkTenantId("createOrUpdateTenant", tenantId);
    if (config !== undefined && (config === null || typeof config !== "object")) {
      throw badInput("Multitenancy.createOrUpdateTenant: config must be an object ({ firstFactors, requiredSecondaryFactors, coreConfig }).");
    }
    return recipe().ctx.querier.call(
      { method: "put", path: "/recipe/multitenancy/tenant/v2", rid: RID, body: { tenantId, ...config } },
      userContext ?? {},
    );
  });
}

export function deleteTenant(tenantId: string, userContext?: UserContext): Promise<{ status: "OK"; didExist: boolean }> {
  return withRecipeSpan("multitenancy", "deleteTenant", tenantId, () => {
    checkTenantId("deleteTenant", tenantId);
    return recipe().ctx.querier.call(
      { method: "post", path: "/recipe/multitenancy/tenant/remove", rid: RID, body: { tenantId } },
      userContext ?? {},
    );
  });
}

/** The tenant's config, or undefined when there is no such tenant. */
export function getTenant(
  tenantId: string,
  userContext?: UserContext,
): Promise<({ status: "OK" } & TenantConfig) | undefined> {
  const tenant = tenantId ?? DEFAULT_TENANT_ID;
  return withRecipeSpan("multitenancy", "getTenant", tenant, async (s) => {
    checkTenantId("getTenant", tenant);
    const response = await recipe().ctx.querier.call<any>(
      { method: "get", path: "/<tenantId>/recipe/multitenancy/tenant/v2", pathParams: { tenantId: tenant }, rid: RID },
      userContext ?? {},
    );
    if (response.status === "TENANT_NOT_FOUND_ERROR") {
      s.setResultStatus("TENANT_NOT_FOUND_ERROR");
      return undefined;
    }
    return response;
  });
}

export function listAllTenants(
  userContext?: UserContext,
): Promise<{ status: "OK"; tenants: ({ tenantId: string } & TenantConfig)[] }> {
  return withRecipeSpan("multitenancy", "listAllTenants", undefined, () =>
    recipe().ctx.querier.call({ method: "get", path: "/recipe/multitenancy/tenant/list/v2", rid: RID }, userContext ?? {}),
  );
}

const Multitenancy = { init, createOrUpdateTenant, deleteTenant, getTenant, listAllTenants };
export default Multitenancy;
