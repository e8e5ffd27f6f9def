/**
 * Each public recipe function runs in an INTERNAL span `<recipe>.<function>`
 * with the recipe, function, tenant and result status, the querier's CLIENT
 * spans nested under it; no user id, email, password or token in any attribute.
 * Real OpenTelemetry SDK pieces with an in-memory exporter.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { getUser } from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Multitenancy from "../../src/recipe/multitenancy/index.js";
import Session from "../../src/recipe/session/index.js";
import UserMetadata from "../../src/recipe/usermetadata/index.js";
import { registerOtel, type OtelHarness } from "../telemetry/otel.js";
import { expectRejectType, freshEmail, startHarness, type Harness } from "./helpers/setup.js";

let otel: OtelHarness;
let h: Harness;

beforeAll(async () => {
  otel = registerOtel();
  h = await startHarness();
});

beforeEach(() => {
  otel.exporter.reset();
});

afterAll(async () => {
  await h.close();
  await otel.shutdown();
});

function recipeSpan(name: string): ReadableSpan {
  const spans = otel.spans().filter((s) => s.name === name);
  expect(spans, `one span named ${name}`).toHaveLength(1);
  return spans[0]!;
}

/** The querier's CLIENT spans that are direct children of `parent`. */
function clientChildren(parent: ReadableSpan): ReadableSpan[] {
  return otel
    .spans()
    .filter((s) => s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === parent.spanContext().spanId);
}

it("signUp: INTERNAL span with recipe, function, tenant and status; the core call nests under it", async () => {
  const email = freshEmail("span");
  await EmailPassword.signUp("public", email, "secret-password-1");
  const span = recipeSpan("emailpassword.signUp");
  expect(span.kind).toBe(SpanKind.INTERNAL);
  expect(span.attributes).toMatchObject({
    "corelens.recipe": "emailpassword",
    "corelens.function": "signUp",
    "corelens.tenant_id": "public",
    "corelens.result.status": "OK",
  });
  const clients = clientChildren(span);
  expect(clients.map((c) => c.attributes["url.template"])).toContain("/<tenantId>/recipe/signup");

  otel.exporter.reset();
  await EmailPassword.signUp("public", email, "secret-password-1");
  expect(recipeSpan("emailpassword.signUp").attributes["corelens.result.status"]).toBe("EMAIL_ALREADY_EXISTS_ERROR");
});

it("session functions: names, tenant from the token, errors recorded as ERROR with their type", async () => {
  const email = freshEmail("span");
  const up = await EmailPassword.signUp("public", email, "secret-password-2");
  if (up.status !== "OK") throw new Error("sign up failed");
  await Multitenancy.createOrUpdateTenant("span-t", { firstFactors: ["emailpassword"] });
  const s = await Session.createNewSessionWithoutRequestResponse("span-t", up.recipeUserId);
  expect(recipeSpan("session.createNewSessionWithoutRequestResponse").attributes["corelens.tenant_id"]).toBe("span-t");

  otel.exporter.reset();
  await Session.getSessionWithoutRequestResponse(s.getAccessToken());
  const verify = recipeSpan("session.getSessionWithoutRequestResponse");
  expect(verify.attributes).toMatchObject({
    "corelens.recipe": "session",
    "corelens.function": "getSessionWithoutRequestResponse",
    "corelens.tenant_id": "span-t",
    "corelens.result.status": "OK",
  });
  // The first verification fetched the keys through the querier, under this span.
  expect(clientChildren(verify).map((c) => c.attributes["url.template"])).toContain("/.well-known/jwks.json");

  otel.exporter.reset();
  await Session.getSessionWithoutRequestResponse(s.getAccessToken());
  expect(clientChildren(recipeSpan("session.getSessionWithoutRequestResponse"))).toHaveLength(0);

  otel.exporter.reset();
  await expectRejectType(Session.refreshSessionWithoutRequestResponse("bogus"), "UNAUTHORISED");
  const failed = recipeSpan("session.refreshSessionWithoutRequestResponse");
  expect(failed.status.code).toBe(SpanStatusCode.ERROR);
  expect(failed.attributes["error.type"]).toBe("UNAUTHORISED");
  expect(failed.attributes["corelens.result.status"]).toBe("UNAUTHORISED");

  otel.exporter.reset();
  await s.mergeIntoAccessTokenPayload({ plan: "pro" });
  const merge = recipeSpan("session.sessionContainer.mergeIntoAccessTokenPayload");
  expect(clientChildren(merge).map((c) => c.attributes["url.template"])).toContain("/recipe/session/regenerate");
});

it("other recipes and the root functions have their spans; no secret or identifier in any attribute", async () => {
  const email = freshEmail("secret-span");
  const password = "very-secret-password-3";
  const up = await EmailPassword.signUp("public", email, password);
  if (up.status !== "OK") throw new Error("sign up failed");
  await EmailPassword.signIn("public", email, "wrong-password-xyz");
  expect(recipeSpan("emailpassword.signIn").attributes["corelens.result.status"]).toBe("WRONG_CREDENTIALS_ERROR");
  await UserMetadata.updateUserMetadata(up.user.id, { secretNote: "n" });
  await getUser(up.user.id);
  const s = await Session.createNewSessionWithoutRequestResponse("public", up.recipeUserId);
  await Session.getSessionWithoutRequestResponse(s.getAccessToken());
  await Multitenancy.listAllTenants();
  for (const name of ["usermetadata.updateUserMetadata", "users.getUser", "multitenancy.listAllTenants"]) {
    const span = recipeSpan(name);
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(clientChildren(span).length).toBeGreaterThan(0);
  }
  const secrets = [email, password, up.user.id, s.getAccessToken(), s.getAllSessionTokensDangerously().refreshToken!, s.getHandle()];
  const internal = otel.spans().filter((sp) => sp.kind === SpanKind.INTERNAL && sp.attributes["corelens.recipe"] !== undefined);
  expect(internal.length).toBeGreaterThan(5);
  for (const sp of internal) {
    const text = JSON.stringify(sp.attributes) + JSON.stringify(sp.status) + JSON.stringify(sp.events);
    for (const secret of secrets) expect(text.includes(secret), `${sp.name} leaks ${secret.slice(0, 12)}…`).toBe(false);
  }
});
