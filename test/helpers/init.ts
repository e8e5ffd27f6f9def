/**
 * Shortcuts for tests that call corelens.init(): a valid appInfo, and an init
 * against given hosts with the querier options under test.
 */
import { close, init } from "../../src/index.js";
import type { InitInput, SupertokensConfig } from "../../src/types.js";

export const TEST_APP_INFO = { appName: "test", apiDomain: "http://localhost:3001", websiteDomain: "http://localhost:3000" };

/** init() with connectionURI built from `hosts` (origins or full entries) and extra options. */
export function initWith(hosts: string | string[], supertokens: Partial<SupertokensConfig> = {}, extra: Partial<InitInput> = {}): void {
  init({
    supertokens: { connectionURI: Array.isArray(hosts) ? hosts.join(";") : hosts, ...supertokens },
    appInfo: TEST_APP_INFO,
    recipeList: [],
    ...extra,
  });
}

export { close as closeCorelens };
