/**
 * The seam between the querier (src/querier) and telemetry (src/telemetry).
 *
 * The querier never imports @opentelemetry/api itself: at fixed points of each
 * attempt it calls the QuerierTelemetry it was given, and telemetry decides what
 * to record. That keeps the pipeline readable and lets telemetry be a no-op
 * (NOOP_TELEMETRY) when nothing listens.
 *
 * Order, for each attempt the querier makes (cache hits make none):
 *   const scope = telemetry.startAttempt(start)            // CLIENT span starts (not yet named by final method)
 *   final = await scope.intercept(original, runChain)      // (await only if a promise) chain runs with the CLIENT span active, in corelens.interceptor span
 *   scope.beforeSend(final, original)                      // diff attributes, url.full, injects trace headers INTO final.headers
 *   res = await scope.send(() => transport(final))         // network send, with tracing suppressed for nested HTTP instrumentation
 *   scope.end({ statusCode } | { error, errorType })       // status, error.type, duration metric, span end
 * A retry or failover is a new startAttempt with resendCount + 1, after
 * telemetry.recordRetry(reason).
 */
import type { HttpRequest } from "../querier/types.js";

export type RetryReason = "connection_error" | "rate_limited" | "timeout";

export interface AttemptStart {
  /** CDI template as called, e.g. "/<tenantId>/recipe/signup". */
  template: string;
  /** Method before the interceptor, upper case. */
  method: string;
  /** The attempt's host, as parsed from connectionURI (origin, e.g. "http://127.0.0.1:3567"). */
  hostOrigin: string;
  /** Tenant id when the template has <tenantId>. */
  tenantId?: string;
  /** CDI version sent in `cdi-version`, when known. */
  cdiVersion?: string;
  /** 0 for the first attempt of a call, +1 for each retry or failover. */
  resendCount: number;
  /** Whether any network interceptor is configured. */
  hasInterceptor: boolean;
}

export interface AttemptOutcome {
  /** The response status, when a response arrived. */
  statusCode?: number;
  /** A transport, timeout or interceptor error. */
  error?: unknown;
  /** Low-cardinality kind of `error`: e.g. "ECONNREFUSED", "timeout", "interceptor_error". */
  errorType?: string;
}

export interface AttemptScope {
  /**
   * Runs the interceptor chain with this attempt's span active; returns what the chain returned
   * (the request itself when the chain ran synchronously, else a promise of it).
   */
  intercept(original: HttpRequest, runChain: () => HttpRequest | Promise<HttpRequest>): HttpRequest | Promise<HttpRequest>;
  /** Records the final request (and what the interceptor changed); injects trace context into final.headers. */
  beforeSend(final: HttpRequest, original: HttpRequest): void;
  /** Runs the network send. */
  send<T>(fn: () => Promise<T>): Promise<T>;
  /** Ends the attempt. Call exactly once. */
  end(outcome: AttemptOutcome): void;
}

export interface QuerierTelemetry {
  startAttempt(start: AttemptStart): AttemptScope;
  recordRetry(reason: RetryReason, start: AttemptStart): void;
}

const NOOP_SCOPE: AttemptScope = {
  intercept: (_original, runChain) => runChain(),
  beforeSend: () => {},
  send: (fn) => fn(),
  end: () => {},
};

export const NOOP_TELEMETRY: QuerierTelemetry = {
  startAttempt: () => NOOP_SCOPE,
  recordRetry: () => {},
};
