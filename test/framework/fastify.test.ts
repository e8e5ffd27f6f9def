/**
 * The Fastify plugin keeps to its own scope: an app's own JSON parser still
 * parses the app's routes, the auth routes accept the empty JSON bodies the
 * frontend SDKs send, and registering before init says what to do.
 */
import Fastify from "fastify";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import corelens from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Session from "../../src/recipe/session/index.js";
import { startDevCore } from "../../src/devcore/index.js";
import { plugin } from "../../src/framework/fastify/index.js";
import { FrontendClient, freshEmail } from "./helpers/client.js";

let core: Awaited<ReturnType<typeof startDevCore>>;

beforeAll(async () => {
  core = await startDevCore({ port: 0 });
});
afterAll(async () => {
  await core.close();
});

it("registering the plugin before corelens.init fails with NotInitialisedError", async () => {
  const app = Fastify();
  await expect(app.register(plugin).ready()).rejects.toThrow(/corelens is not initialised/);
  await app.close();
});

it("an app's custom JSON parser keeps serving its routes; the auth routes take empty JSON bodies", async () => {
  corelens.init({
    supertokens: { connectionURI: core.url },
    appInfo: { appName: "fastify", apiDomain: "http://127.0.0.1:3001", websiteDomain: "http://127.0.0.1:3000" },
    recipeList: [EmailPassword.init(), Session.init()],
  });
  const app = Fastify({ forceCloseConnections: true });
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => done(null, { appParser: true, text: body }));
  app.post("/echo", async (req) => req.body);
  await app.register(plugin);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const echo = await fetch(`${url}/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(await echo.json()).toEqual({ appParser: true, text: "{}" });

    const c = new FrontendClient(url, "header");
    expect((await c.signUp(freshEmail("fastify"), "password123")).body.status).toBe("OK");
    const out = await fetch(`${url}/auth/signout`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${c.accessToken}`, rid: "session" },
    });
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ status: "OK" });
    const bad = await fetch(`${url}/auth/signin`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
  } finally {
    await app.close();
    await corelens.close();
  }
});
