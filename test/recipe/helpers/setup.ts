/**
 * One dev core (behind a counting proxy) and corelens initialised against it
 * with every recipe, an interceptor that records each request's userContext.
 */
import { expectCdiConformance, startObservedDevCore } from "../../devcore/helpers/devcore.js";
import corelens from "../../../src/index.js";
import EmailPassword from "../../../src/recipe/emailpassword/index.js";
import Multitenancy from "../../../src/recipe/multitenancy/index.js";
import Session from "../../../src/recipe/session/index.js";
import UserMetadata from "../../../src/recipe/usermetadata/index.js";
import type { HttpRequest, UserContext } from "../../../src/querier/types.js";
import { startDevCore } from "../../../src/devcore/index.js";
import { startCoreProxy, type CoreProxy } from "./coreProxy.js";

export const APP_INFO = { appName: "recipes", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" };

export interface Harness {
  coreUrl: string;
  proxy: CoreProxy;
  /** Every request the interceptor saw, with the userContext it was given. */
  seen: { request: HttpRequest; userContext: UserContext }[];
  close(): Promise<void>;
}

export type DevCore = Awaited<ReturnType<typeof startDevCore>>;

export async function startCore(options: Partial<Parameters<typeof startDevCore>[0]> = {}): Promise<DevCore> {
  return startDevCore({ port: 0, ...options });
}

export async function startHarness(sessionConfig?: Parameters<typeof Session.init>[0]): Promise<Harness> {
  // Observed: every answer the dev core gives these recipe tests is checked against the CDI spec at close.
  const observed = await startObservedDevCore();
  const core = observed.core;
  const proxy = await startCoreProxy(core.url);
  const seen: Harness["seen"] = [];
  corelens.init({
    supertokens: {
      connectionURI: proxy.url,
      networkInterceptor: (request, userContext) => {
        seen.push({ request: structuredClone(request), userContext });
        return request;
      },
    },
    appInfo: APP_INFO,
    recipeList: [EmailPassword.init(), Session.init(sessionConfig), UserMetadata.init(), Multitenancy.init()],
  });
  return {
    coreUrl: core.url,
    proxy,
    seen,
    close: async () => {
      await corelens.close();
      await proxy.close();
      await core.close();
      expectCdiConformance(observed);
    },
  };
}

let counter = 0;
/** A fresh email per call, so tests never collide in one core. */
export function freshEmail(tag = "u"): string {
  counter++;
  return `${tag}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export async function expectRejectType(p: Promise<unknown>, type: string): Promise<any> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) throw new Error(`expected a ${type} error, but the call succeeded`);
  if ((err as { type?: unknown }).type !== type) throw err;
  return err;
}
