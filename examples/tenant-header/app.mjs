// The example Express app every example (and `npm start`) runs: email-password
// sign-up and sign-in, sessions (create, verify, refresh, revoke) and user
// metadata, multi-tenant through the `x-tenant-id` header.
//
// Import this module AFTER OpenTelemetry is started: express is loaded with
// require() here so that @opentelemetry/instrumentation-express can patch it.
import { createRequire } from "node:module";
import corelens, { CoreTimeoutError, CoreUnavailableError } from "corelens";
import EmailPassword from "corelens/recipe/emailpassword";
import Multitenancy from "corelens/recipe/multitenancy";
import Session from "corelens/recipe/session";
import UserMetadata from "corelens/recipe/usermetadata";
import { currentTenant, tenantContext, tenantHeaderInterceptor } from "./tenant.mjs";

const require = createRequire(import.meta.url);
const express = require("express");

/** corelens.init for the app: the tenant-header interceptor on every core call. */
export function initCorelens({ connectionURI, apiKey, baseUrls = {} }) {
  corelens.init({
    supertokens: { connectionURI, apiKey, networkInterceptor: tenantHeaderInterceptor({ baseUrls }) },
    appInfo: { appName: "corelens-example", apiDomain: "http://127.0.0.1:3001", websiteDomain: "http://127.0.0.1:3000" },
    recipeList: [EmailPassword.init(), Session.init(), UserMetadata.init(), Multitenancy.init()],
  });
}

/** Creates the tenants the app serves (idempotent; "public" always exists). */
export async function ensureTenants(tenantIds) {
  for (const tenantId of tenantIds) {
    if (tenantId !== "public") await Multitenancy.createOrUpdateTenant(tenantId, { firstFactors: ["emailpassword"] });
  }
}

function tokensOf(session) {
  const { accessToken, refreshToken } = session.getAllSessionTokensDangerously();
  return { userId: session.getUserId(), tenantId: session.getTenantId(), accessToken, refreshToken };
}

function bearer(req) {
  const header = req.get("authorization") ?? "";
  return header.startsWith("Bearer ") ? header.slice(7) : undefined;
}

/** Verifies the access token; `checkDatabase` also asks the core whether the session is still alive. */
async function requireSession(req, checkDatabase = false) {
  const token = bearer(req);
  if (token === undefined) throw new Session.Error({ message: "no access token", type: "UNAUTHORISED" });
  return Session.getSessionWithoutRequestResponse(token, undefined, { checkDatabase });
}

export function createApp() {
  const app = express();
  app.use(express.json());
  app.use(tenantContext);

  app.post("/auth/signup", async (req, res) => {
    const { email, password } = req.body ?? {};
    const result = await EmailPassword.signUp(currentTenant(), email, password);
    if (result.status !== "OK") return res.status(409).json({ status: result.status });
    const session = await Session.createNewSessionWithoutRequestResponse(currentTenant(), result.recipeUserId);
    res.json(tokensOf(session));
  });

  app.post("/auth/signin", async (req, res) => {
    const { email, password } = req.body ?? {};
    const result = await EmailPassword.signIn(currentTenant(), email, password);
    if (result.status !== "OK") return res.status(401).json({ status: result.status });
    const session = await Session.createNewSessionWithoutRequestResponse(currentTenant(), result.recipeUserId);
    res.json(tokensOf(session));
  });

  app.post("/auth/refresh", async (req, res) => {
    const session = await Session.refreshSessionWithoutRequestResponse(String(req.body?.refreshToken ?? ""), true);
    res.json(tokensOf(session));
  });

  app.post("/auth/signout", async (req, res) => {
    const session = await requireSession(req, true);
    await session.revokeSession();
    res.json({ status: "OK" });
  });

  app.get("/me", async (req, res) => {
    const session = await requireSession(req);
    const { metadata } = await UserMetadata.getUserMetadata(session.getUserId());
    res.json({ userId: session.getUserId(), tenantId: session.getTenantId(), metadata });
  });

  app.put("/me/metadata", async (req, res) => {
    const session = await requireSession(req);
    const { metadata } = await UserMetadata.updateUserMetadata(session.getUserId(), req.body ?? {});
    res.json({ metadata });
  });

  // Express 5 passes rejected promises here: map them to status codes, never echo secrets.
  app.use((err, req, res, _next) => {
    if (err instanceof Session.Error) {
      return res.status(401).json({ status: err.type });
    }
    if (err instanceof CoreUnavailableError || err instanceof CoreTimeoutError) {
      return res.status(503).json({ status: "CORE_UNAVAILABLE" });
    }
    if (err?.type === "BAD_INPUT_ERROR") return res.status(400).json({ status: "BAD_INPUT", message: err.message });
    res.status(500).json({ status: "INTERNAL_ERROR" });
  });
  return app;
}
