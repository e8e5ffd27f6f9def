/** Test helpers: a dev core whose every response is recorded, and the contract check over the recording. */
import { expect } from "vitest";
import type { DevCore, DevCoreOptions } from "../../../src/devcore/index.js";
import type { Exchange } from "../../../src/devcore/server.js";
import { startDevCoreWith } from "../../../src/devcore/start.js";
import type { SqliteDriver } from "../../../src/devcore/storage/sqlite.js";
import { CdiContract } from "./contract.js";

export interface ObservedDevCore {
  core: DevCore;
  exchanges: Exchange[];
  internalErrors: unknown[];
}

export async function startObservedDevCore(options: DevCoreOptions = {}, sqliteDrivers?: readonly SqliteDriver[], now?: () => number): Promise<ObservedDevCore> {
  const exchanges: Exchange[] = [];
  const internalErrors: unknown[] = [];
  const core = await startDevCoreWith(
    { port: 0, ...options },
    { hooks: { observe: (e) => exchanges.push(e), onInternalError: (e) => internalErrors.push(e) }, sqliteDrivers, now },
  );
  return { core, exchanges, internalErrors };
}

let contract: CdiContract | undefined;

/** Every recorded response validates against its CDI operation; nothing crashed with a 500. */
export function expectCdiConformance(...cores: ObservedDevCore[]): void {
  contract ??= new CdiContract();
  const all = cores.flatMap((c) => c.exchanges);
  expect(all.length).toBeGreaterThan(0);
  const violations = all.flatMap((exchange) => {
    const reason = contract!.check(exchange);
    return reason === undefined ? [] : [{ request: `${exchange.method} ${exchange.path}`, status: exchange.status, body: exchange.body.slice(0, 300), reason }];
  });
  expect(violations).toEqual([]);
  expect(cores.flatMap((c) => c.internalErrors)).toEqual([]);
}

/** fetch against the core with JSON in and out; the body is text when the core answers text. */
export async function call(
  core: DevCore,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const res = await fetch(core.url + path, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json; charset=utf-8", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  if ((res.headers.get("content-type") ?? "").startsWith("application/json")) json = JSON.parse(text);
  return { status: res.status, json, text, headers: res.headers };
}
