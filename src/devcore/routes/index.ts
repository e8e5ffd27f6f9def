/** Every route the dev core serves, one module per CDI area. */
import type { Route } from "../router.js";
import { coreRoutes } from "./core.js";
import { emailPasswordRoutes } from "./emailpassword.js";
import { metadataRoutes } from "./metadata.js";
import { multitenancyRoutes } from "./multitenancy.js";
import { sessionRoutes } from "./session.js";
import { userRoutes } from "./users.js";

export const ALL_ROUTES: readonly Route[] = [...coreRoutes, ...emailPasswordRoutes, ...sessionRoutes, ...metadataRoutes, ...multitenancyRoutes, ...userRoutes];
