/**
 * Starting a dev core: options → config, storage, keys, server. The package
 * entry (index.ts) exposes startDevCore; startDevCoreWith adds internal hooks
 * for the tests and is not exported from the package.
 */
import { DevCoreOptionsError } from "./errors.js";
import { RefreshTokens } from "./refresh-token.js";
import { DevCoreServer, type ServerHooks } from "./server.js";
import { SigningKeys } from "./signing-keys.js";
import type { DevCoreConfig, DevCoreState } from "./state.js";
import type { KvBackend } from "./storage/backend.js";
import { MemoryBackend } from "./storage/memory.js";
import { openSqliteBackend, type SqliteDriver } from "./storage/sqlite.js";
import { DevCoreStore } from "./storage/store.js";

export interface DevCoreOptions {
  /** TCP port; 0 picks a free one. Default 3567 (the core's). */
  port?: number;
  /** Interface to bind. Default "127.0.0.1". */
  host?: string;
  /** When given, every call except /hello, / and the JWKS needs one of these keys (`api-key` or `Authorization: Bearer`). */
  apiKeys?: readonly string[];
  /** SQLite file to keep users, sessions, metadata, tenants and signing keys across restarts. Default: in memory. */
  dataFile?: string;
  /** Access-token lifetime in seconds. Default 3600. */
  accessTokenValidity?: number;
  /** Refresh-token (and session) lifetime in seconds. Default 8 640 000 (100 days). */
  refreshTokenValidity?: number;
}

export interface DevCore {
  /** Base URL to use as connectionURI, e.g. "http://127.0.0.1:3567". */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Which storage is in use: "memory", "better-sqlite3" or "node:sqlite". */
  readonly storage: string;
  /** Stops listening, ends open connections and closes the data file. */
  close(): Promise<void>;
}

const DEFAULTS = {
  port: 3567,
  host: "127.0.0.1",
  accessTokenValiditySeconds: 3600,
  refreshTokenValiditySeconds: 144_000 * 60,
  signingKeyRotationMs: 168 * 3600 * 1000,
};

/** Starts a dev core; `internal` carries test hooks and a chosen SQLite driver order. */
export interface InternalStartOptions {
  hooks?: ServerHooks;
  sqliteDrivers?: readonly SqliteDriver[];
  /** The clock (ms); tests move it to reach expiry and key rotation without waiting. */
  now?: () => number;
}

export async function startDevCoreWith(options: DevCoreOptions, internal: InternalStartOptions = {}): Promise<DevCore> {
  const config = normaliseOptions(options);
  const backend: KvBackend = config.dataFile === undefined ? new MemoryBackend() : await openSqliteBackend(config.dataFile, internal.sqliteDrivers);
  let server: DevCoreServer;
  try {
    const store = new DevCoreStore(backend);
    const now = internal.now ?? (() => Date.now());
    const keys = await SigningKeys.open(store, { rotationIntervalMs: config.signingKeyRotationMs, accessTokenValidityMs: config.accessTokenValidityMs }, now);
    const state: DevCoreState = { config, store, keys, refreshTokens: RefreshTokens.open(store), now };
    server = new DevCoreServer(state, internal.hooks);
    const address = await server.listen(config.port, config.host).catch((error: unknown) => {
      const code = (error as { code?: string }).code;
      if (code !== "EADDRINUSE" && code !== "EACCES" && code !== "EADDRNOTAVAIL") throw error;
      const why = code === "EADDRINUSE" ? "the port is in use" : code === "EACCES" ? "permission denied" : "the address is not on this machine";
      throw new DevCoreOptionsError(`Cannot listen on ${config.host}:${config.port}: ${why}. Choose another port (0 picks a free one) or host.`, { cause: error });
    });
    const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${urlHost}:${address.port}`,
      port: address.port,
      host: config.host,
      storage: backend.kind,
      close: () =>
        (closing ??= server.close().finally(() => {
          backend.close();
        })),
    };
  } catch (error) {
    backend.close();
    throw error;
  }
}

function normaliseOptions(options: DevCoreOptions): DevCoreConfig {
  const port = options.port ?? DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DevCoreOptionsError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  const host = options.host ?? DEFAULTS.host;
  if (typeof host !== "string" || host.length === 0) throw new DevCoreOptionsError("host must be a non-empty string such as 127.0.0.1");
  const apiKeys = [...(options.apiKeys ?? [])];
  for (const [i, key] of apiKeys.entries()) {
    if (typeof key !== "string" || !/^[=\-0-9a-zA-Z]+$/.test(key)) {
      throw new DevCoreOptionsError(`apiKeys[${i}] must be a non-empty string of letters, digits, '=' and '-' (the SuperTokens core's API key alphabet)`);
    }
  }
  const seconds = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v <= 0) throw new DevCoreOptionsError(`${name} must be a positive whole number of seconds, got ${String(value)}`);
    return v * 1000;
  };
  if (options.dataFile !== undefined && (typeof options.dataFile !== "string" || options.dataFile.length === 0)) {
    throw new DevCoreOptionsError("dataFile must be a file path (omit it to keep everything in memory)");
  }
  return {
    host,
    port,
    apiKeys,
    dataFile: options.dataFile,
    accessTokenValidityMs: seconds("accessTokenValidity", options.accessTokenValidity, DEFAULTS.accessTokenValiditySeconds),
    refreshTokenValidityMs: seconds("refreshTokenValidity", options.refreshTokenValidity, DEFAULTS.refreshTokenValiditySeconds),
    signingKeyRotationMs: DEFAULTS.signingKeyRotationMs,
  };
}
