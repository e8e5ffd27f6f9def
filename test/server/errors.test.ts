/**
 * When the core cannot be reached, the auth APIs fail as server errors, not
 * as auth outcomes: the standalone server answers 500 without internals,
 * Express gets the error through next(err). The CORS header helper is on the root module.
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import corelens, { getAllCORSHeaders } from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Session from "../../src/recipe/session/index.js";
import { startAuthServer, type AuthServer } from "../../src/server/authServer.js";
import { startExpressApp, type App } from "../framework/helpers/apps.js";
import { FrontendClient } from "../framework/helpers/client.js";

let server: AuthServer;
let app: App;

beforeAll(async () => {
  // A port nobody listens on: grab one, then free it.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  corelens.init({
    supertokens: { connectionURI: `http://127.0.0.1:${port}`, apiKey: "the-secret-core-key-123" },
    appInfo: { appName: "down", apiDomain: "http://127.0.0.1:3001", websiteDomain: "http://127.0.0.1:3000" },
    recipeList: [EmailPassword.init(), Session.init()],
  });
  server = await startAuthServer({ port: 0 });
  app = await startExpressApp();
});

afterAll(async () => {
  await app.close();
  await server.close();
  await corelens.close();
});

it("standalone server: a core that is down is a 500 naming no host, key or password", async () => {
  const res = await new FrontendClient(server.url, "header").signIn("a@example.com", "hunter2-password");
  expect(res.status).toBe(500);
  expect(res.body).toEqual({ message: "Internal error", error: "CoreUnavailableError" });
  expect(JSON.stringify(res.body)).not.toContain("hunter2");
});

it("Express: the error goes to Express's error handling (500), not to a 401", async () => {
  const res = await new FrontendClient(app.url, "cookie").signIn("a@example.com", "hunter2-password");
  expect(res.status).toBe(500);
  expect(res.setCookies).toEqual([]);
  expect(String(res.body)).not.toContain("the-secret-core-key-123");
});

it("getAllCORSHeaders lists the headers the frontend SDKs send", () => {
  expect(getAllCORSHeaders()).toEqual(["rid", "fdi-version", "anti-csrf", "authorization", "st-auth-mode"]);
});
