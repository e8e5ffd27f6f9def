/**
 * What every handler shares: the normalised configuration, the store, the
 * signing keys and the refresh-token sealer. Built once per dev core.
 */
import type { DevCoreStore } from "./storage/store.js";
import type { SigningKeys } from "./signing-keys.js";
import type { RefreshTokens } from "./refresh-token.js";

export interface DevCoreConfig {
  host: string;
  port: number;
  apiKeys: readonly string[];
  dataFile: string | undefined;
  accessTokenValidityMs: number;
  refreshTokenValidityMs: number;
  signingKeyRotationMs: number;
}

export interface DevCoreState {
  config: DevCoreConfig;
  store: DevCoreStore;
  keys: SigningKeys;
  refreshTokens: RefreshTokens;
  now(): number;
}

/** CDI versions the dev core speaks; the last is the default when `cdi-version` is absent. */
export const SUPPORTED_CDI_VERSIONS: readonly string[] = ["5.3", "5.4"];
