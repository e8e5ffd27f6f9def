/**
 * What the network interceptor changed between the request corelens built and
 * the one it returned. Computed only when the CLIENT span is recording.
 *
 * The interceptor may mutate the object it receives instead of returning a new
 * one, so the "before" side is a snapshot taken just before the interceptor runs.
 */
import type { HttpRequest, QueryParamValue } from "../querier/types.js";

export interface RequestSnapshot {
  method: string;
  url: string;
  headers: Record<string, string>;
  params: Record<string, QueryParamValue> | undefined;
  body: unknown;
  /** JSON of the body when the snapshot was taken: catches in-place mutation. */
  bodyJson: string | undefined;
}

export type ChangedPart = "method" | "url" | "params" | "headers" | "body";

export interface KeyDiff {
  added: string[];
  removed: string[];
  modified: string[];
}

export interface RequestDiff {
  changed: ChangedPart[];
  headers: KeyDiff;
  params: KeyDiff;
  bodyChanged: boolean;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

export function snapshotRequest(request: HttpRequest): RequestSnapshot {
  return {
    method: request.method,
    url: request.url,
    headers: lowerCaseKeys(request.headers),
    params: request.params ? { ...request.params } : undefined,
    body: request.body,
    bodyJson: request.body === undefined ? undefined : safeJson(request.body),
  };
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const k in headers) out[k.toLowerCase()] = headers[k]!;
  return out;
}

const NONE: string[] = [];

/**
 * Keys added, removed and modified between two maps (undefined values count as
 * absent). Allocation-light: no Set, and arrays only when something changed.
 * `after` keys are normalised (headers: lower-cased); `before` keys already are.
 */
function diffKeys(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  normalise: (k: string) => string,
): KeyDiff {
  let added = NONE;
  let removed = NONE;
  let modified = NONE;
  let renamed = false; // some `after` key differs from its normalised form
  if (after) {
    for (const raw in after) {
      const v = after[raw];
      if (v === undefined) continue; // undefined means "not sent"
      const k = normalise(raw);
      if (k !== raw) renamed = true;
      const old = before?.[k];
      if (old === undefined) (added === NONE ? (added = []) : added).push(k);
      else if (old !== v && String(old) !== String(v)) (modified === NONE ? (modified = []) : modified).push(k);
    }
  }
  if (before) {
    for (const k in before) {
      if (before[k] === undefined) continue;
      if (after?.[k] !== undefined) continue;
      if (renamed && after && hasNormalisedKey(after, k, normalise)) continue;
      (removed === NONE ? (removed = []) : removed).push(k);
    }
  }
  return { added, removed, modified };
}

function hasNormalisedKey(map: Record<string, unknown>, key: string, normalise: (k: string) => string): boolean {
  for (const raw in map) if (map[raw] !== undefined && normalise(raw) === key) return true;
  return false;
}

const identity = (k: string) => k;
const lower = (k: string) => k.toLowerCase();

export function diffRequest(before: RequestSnapshot, after: HttpRequest): RequestDiff {
  const changed: ChangedPart[] = [];
  if (before.method.toUpperCase() !== String(after.method).toUpperCase()) changed.push("method");
  if (before.url !== after.url) changed.push("url");
  const params = diffKeys(before.params, after.params, identity);
  if (params.added.length || params.removed.length || params.modified.length) changed.push("params");
  const headers = diffKeys(before.headers, after.headers, lower);
  if (headers.added.length || headers.removed.length || headers.modified.length) changed.push("headers");
  let bodyChanged: boolean;
  if (after.body === undefined || before.body === undefined) bodyChanged = after.body !== before.body;
  else bodyChanged = safeJson(after.body) !== before.bodyJson;
  if (bodyChanged) changed.push("body");
  return { changed, headers, params, bodyChanged };
}
