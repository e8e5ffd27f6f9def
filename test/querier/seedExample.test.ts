/**
 * The NodeJS example of the official "Backend SDK Core Interceptor" page, with
 * only its import lines changed, runs against corelens (package entry points,
 * as a user imports them) and its interceptor sees every core request.
 */
import { afterAll, expect, it } from "vitest";
import type { HttpRequest } from "corelens/types";
import SuperTokens from "corelens";
import { startCoreServer } from "../helpers/coreServer.js";

const core = await startCoreServer();
afterAll(async () => {
  await SuperTokens.close();
  await core.close();
});

it("the seed example works with only its imports changed", async () => {
  const seen: HttpRequest[] = [];
  const console = { log: (_label: string, request: HttpRequest) => seen.push(request) };

  // ---- from the seed, unchanged but for "...": ----
  SuperTokens.init({
    supertokens: {
      connectionURI: core.origin,
      apiKey: "api-key-for-the-seed-example",
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- kept exactly as the seed has it
      networkInterceptor: (request: HttpRequest, userContext: any) => {
        console.log("http request to core: ", request);
        // this can also be used to return a modified request object.
        return request;
      },
    },
    appInfo: {
      apiDomain: "http://localhost:3001",
      appName: "seed",
      websiteDomain: "http://localhost:3000",
    },
    recipeList: [
      // ...
    ],
  });
  // ----

  await SuperTokens.callCore({ method: "get", path: "/recipe/user", params: { userId: "u1" } });
  expect(seen.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(["get /apiversion", "get /recipe/user"]);
  expect(core.calls()[0]!.headers["api-key"]).toBe("api-key-for-the-seed-example");
});
