/**
 * Debug logging: one line per request sent to the core, e.g.
 *   corelens core-call GET /recipe/user status=200 ms=3.1 attempt=1 host=http://127.0.0.1:3567
 * Method and path are what was sent (after the interceptor); the query string
 * and every header value are left out, because they carry ids and secrets.
 */
export interface DebugLine {
  method: string;
  /** Path+query as sent; the query is cut off here. */
  path: string;
  status?: number;
  error?: string;
  ms: number;
  /** 1-based. */
  attempt: number;
  host: string;
}

export function formatDebugLine(d: DebugLine): string {
  const q = d.path.indexOf("?");
  const path = q === -1 ? d.path : d.path.slice(0, q);
  const outcome = d.status !== undefined ? `status=${d.status}` : `error=${d.error ?? "unknown"}`;
  return `corelens core-call ${d.method} ${path} ${outcome} ms=${d.ms.toFixed(1)} attempt=${d.attempt} host=${d.host}`;
}
