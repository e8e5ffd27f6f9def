/** Values shared by the recipes. */

/** The tenant used when a function is given none, as supertokens-node does. */
export const DEFAULT_TENANT_ID = "public";
