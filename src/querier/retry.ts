/**
 * The retry policy, as data the attempt loop reads. What happens after each outcome:
 *
 *   200 / other status      done (the core answered; a 5xx is not a host failure)
 *   429                     wait (Retry-After if given, capped; else 10 + 250·n ms) and retry,
 *                           on another host when there is one; at most maxRetries times per call
 *   connection failure      mark the host down, fail over to the next host (any method: nothing was answered)
 *   connect timeout         same as a connection failure
 *   request timeout         GET: fail over (host not marked down, it did accept us); write: throw, never retried
 *   broken mid-response     GET: fail over; write: throw, never retried (the core may have applied it)
 */
import type { FailureKind } from "./transport.js";
import type { WireMethod } from "./request.js";

export type AfterFailure = "failover" | "throw";

export function afterTransportFailure(kind: FailureKind, sentMethod: WireMethod): AfterFailure {
  if (kind === "connection" || kind === "connect_timeout") return "failover";
  // The request reached the core: only a read is safe to send again.
  return sentMethod === "GET" ? "failover" : "throw";
}

/** Whether a failure says the host itself is unhealthy (and should be skipped for a while). */
export function marksHostDown(kind: FailureKind): boolean {
  return kind === "connection" || kind === "connect_timeout";
}

/**
 * How long to wait before retry number `retry` (0-based) after a 429.
 * Retry-After may be seconds or an HTTP date; either way it is capped by `capMs`.
 */
export function rateLimitDelayMs(retryAfter: string | string[] | undefined, retry: number, capMs: number): number {
  const header = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  if (header !== undefined) {
    const trimmed = header.trim();
    let ms = Number.NaN;
    if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
    else {
      const at = Date.parse(trimmed);
      if (!Number.isNaN(at)) ms = Math.max(0, at - Date.now());
    }
    if (!Number.isNaN(ms)) return Math.min(ms, capMs);
  }
  return Math.min(10 + 250 * retry, capMs);
}
