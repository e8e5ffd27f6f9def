/**
 * corelens/devcore: a local, SuperTokens-compatible core for development,
 * examples and tests. It speaks the Core Driver Interface (CDI 5.3/5.4) for
 * email-password, sessions, user metadata, multitenancy and users. It is a
 * development core: one process, no licensing, no clustering, not for production.
 *
 *   const core = await startDevCore({ port: 0, apiKeys: ["a-long-dev-api-key"] });
 *   core.url;          // "http://127.0.0.1:<port>"
 *   await core.close();
 */
import { startDevCoreWith, type DevCore, type DevCoreOptions } from "./start.js";

export { DevCoreError, DevCoreOptionsError, DevCoreStorageError } from "./errors.js";
export type { DevCore, DevCoreOptions } from "./start.js";

export function startDevCore(options: DevCoreOptions = {}): Promise<DevCore> {
  return startDevCoreWith(options);
}
