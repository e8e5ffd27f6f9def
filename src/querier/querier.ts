/**
 * The core querier: every call to the core goes through `Querier.call`.
 *
 *   cache hit? → answer from the per-request cache, nothing sent
 *   CDI version (pinned, known, or one shared GET /apiversion)
 *   attempt loop, one host per attempt (host pool):
 *     build a fresh request → interceptor chain (validated) → telemetry → send
 *     → retry policy decides: done, wait and retry (429), fail over, or throw
 *   parse the answer (JSON, or text) or throw a typed error
 *
 * Telemetry is driven through the seam (src/telemetry/seam.ts) at fixed points;
 * with the no-op it costs a few function calls.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { QuerierConfig } from "../config/normalise.js";
import type { CoreHost } from "../config/types.js";
import { querierTelemetry, type AttemptStart, type RetryReason } from "../telemetry/index.js";
import { ApiVersion } from "./apiVersion.js";
import { CoreCallCache, type CachedResponse } from "./cache.js";
import { formatDebugLine } from "./debugLog.js";
import {
  CoreError,
  CoreTimeoutError,
  CoreUnavailableError,
  InterceptorError,
  redactSecret,
  type HostFailure,
} from "./errors.js";
import { HostPool } from "./hosts.js";
import { runInterceptors } from "./interceptor.js";
import {
  WIRE_METHOD,
  buildRequest,
  fillPath,
  parseTemplate,
  wireFromBuilt,
  wireFromIntercepted,
  type PathTemplate,
  type WireRequest,
} from "./request.js";
import { afterTransportFailure, marksHostDown, rateLimitDelayMs } from "./retry.js";
import { Transport, TransportFailure, type CoreResponse } from "./transport.js";
import type { CoreCall, CoreQuerier, HttpRequest, UserContext } from "./types.js";

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
/** How much of the core's error body goes into a CoreError message. */
const MAX_CORE_MESSAGE = 1_000;

interface Answer {
  res: CoreResponse;
  wire: WireRequest;
  host: CoreHost;
}

export class Querier implements CoreQuerier {
  private readonly pool: HostPool;
  private readonly transport: Transport;
  private readonly apiVersion: ApiVersion;
  private readonly cache: CoreCallCache | undefined;
  private readonly apiVersionCall: CoreCall;

  constructor(private readonly cfg: QuerierConfig) {
    this.pool = new HostPool(cfg.hosts);
    this.transport = new Transport(cfg);
    this.cache = cfg.cacheEnabled ? new CoreCallCache() : undefined;
    // The official SDKs send both domains to /apiversion; the core ignores them, proxies may not.
    this.apiVersionCall = {
      method: "get",
      path: "/apiversion",
      params: { apiDomain: cfg.apiDomain, websiteDomain: cfg.websiteDomain },
    };
    this.apiVersion = new ApiVersion(cfg.cdiVersion, (uc) => this.negotiationCall(uc));
  }

  call<T = any>(call: CoreCall, userContext?: UserContext): Promise<T> {
    // The common case (version known, nothing to cache or invalidate) settles with one promise
    // on top of the attempt loop's: each one costs more once an OpenTelemetry context manager
    // (async hooks) is installed.
    const cdiVersion = this.apiVersion.version;
    if (cdiVersion !== undefined && (this.cache === undefined || (call.method === "get" && userContext === undefined))) {
      let template: PathTemplate;
      let filledPath: string;
      try {
        template = parseTemplate(call.path);
        filledPath = fillPath(template, call.pathParams);
      } catch (err) {
        return Promise.reject(err);
      }
      return this.send(call, template, filledPath, cdiVersion, userContext).then((answer) =>
        this.parse<T>(answer, { text: answer.res.text, contentType: contentTypeOf(answer.res) }),
      );
    }
    return this.callWithCacheOrNegotiation<T>(call, userContext);
  }

  private async callWithCacheOrNegotiation<T>(call: CoreCall, userContext: UserContext | undefined): Promise<T> {
    const template = parseTemplate(call.path);
    const filledPath = fillPath(template, call.pathParams);
    const cdiVersion = this.apiVersion.version ?? (await this.apiVersion.get(userContext));

    const cache = this.cache;
    if (cache !== undefined && call.method !== "get") {
      // Every write invalidates every context's cache, with or without a userContext.
      cache.invalidate();
      try {
        const answer = await this.send(call, template, filledPath, cdiVersion, userContext);
        return this.parse<T>(answer, { text: answer.res.text, contentType: contentTypeOf(answer.res) });
      } finally {
        cache.invalidate();
      }
    }
    if (cache === undefined || userContext === undefined) {
      const answer = await this.send(call, template, filledPath, cdiVersion, userContext);
      return this.parse<T>(answer, { text: answer.res.text, contentType: contentTypeOf(answer.res) });
    }

    const cacheKey = cache.key(call, filledPath);
    const hit = cache.get(userContext, cacheKey);
    if (hit !== undefined) return parseOk(hit, "GET", filledPath, "(cache)");
    const generation = cache.currentGeneration;
    const answer = await this.send(call, template, filledPath, cdiVersion, userContext);
    const body: CachedResponse = { text: answer.res.text, contentType: contentTypeOf(answer.res) };
    const result = this.parse<T>(answer, body);
    // Only what really went out as a GET is a cacheable read (an interceptor may have changed the method).
    if (answer.wire.method === "GET") cache.set(userContext, cacheKey, body, generation);
    return result;
  }

  /** Closes the connection pool corelens created. In-flight calls finish first. */
  close(): Promise<void> {
    return this.transport.close();
  }

  private async negotiationCall(userContext: UserContext | undefined): Promise<unknown> {
    const call = this.apiVersionCall;
    const template = parseTemplate(call.path);
    const answer = await this.send(call, template, template.parts[0]!, undefined, userContext);
    return this.parse(answer, { text: answer.res.text, contentType: contentTypeOf(answer.res) });
  }

  /** The attempt loop: one request per attempt until an answer, or a reason to stop. */
  private async send(
    call: CoreCall,
    template: PathTemplate,
    filledPath: string,
    cdiVersion: string | undefined,
    userContext: UserContext | undefined,
  ): Promise<Answer> {
    const cfg = this.cfg;
    const pool = this.pool;
    const telemetry = querierTelemetry();
    const interceptors = cfg.interceptors;
    const hasInterceptor = interceptors.length > 0;
    const interceptorContext = hasInterceptor ? (userContext ?? {}) : undefined;
    const debugSink = cfg.debugSink;

    // Round 1 tries the hosts that are up; round 2 ("all down → try all once more") every host
    // except those that timed out. `excluded` holds the hosts this round must not pick.
    let lastRound = false;
    let excluded = 0; // bit set: failed in this round
    let timedOut = 0; // bit set: timed out in this call
    const start0 = pool.nextStart();
    let hostIndex = pool.pick(start0, 0, true);
    if (hostIndex === -1) {
      lastRound = true;
      hostIndex = pool.pick(start0, 0, false);
    }
    let failures: HostFailure[] | undefined;
    let rateLimitedRetries = 0;
    let resendCount = 0;

    while (true) {
      const host = pool.hosts[hostIndex]!;
      const start: AttemptStart = {
        template: template.template,
        method: WIRE_METHOD[call.method],
        hostOrigin: host.origin,
        tenantId: call.pathParams?.tenantId,
        cdiVersion,
        resendCount,
        hasInterceptor,
      };
      const scope = telemetry.startAttempt(start);
      const original = buildRequest(call, filledPath, host, this.headers(call, template, cdiVersion));

      let wire: WireRequest;
      try {
        if (hasInterceptor) {
          let final = scope.intercept(original, () => runInterceptors(interceptors, original, interceptorContext!));
          // A synchronous chain comes back as the request itself: no promise to wait for.
          if (isPromise(final)) final = await final;
          scope.beforeSend(final, original);
          wire = wireFromIntercepted(final, serialiseInterceptedBody(final));
        } else {
          scope.beforeSend(original, original);
          wire = wireFromBuilt(original, host, filledPath);
        }
      } catch (err) {
        // Nothing was sent: not a host failure, so no failover.
        scope.end({ error: err, errorType: err instanceof InterceptorError ? "interceptor_error" : errorTypeOf(err) });
        throw this.redact(err);
      }

      const t0 = debugSink !== undefined ? performance.now() : 0;
      let res: CoreResponse;
      try {
        res = await scope.send(() => this.transport.send(wire));
      } catch (err) {
        if (!(err instanceof TransportFailure)) {
          scope.end({ error: err, errorType: errorTypeOf(err) });
          if (debugSink !== undefined) this.log(wire, undefined, errorTypeOf(err), t0, resendCount, host);
          throw this.redact(err);
        }
        const isTimeout = err.kind === "connect_timeout" || err.kind === "request_timeout";
        scope.end({ error: err, errorType: isTimeout ? "timeout" : err.code });
        if (debugSink !== undefined) this.log(wire, undefined, err.code, t0, resendCount, host);
        if (marksHostDown(err.kind)) pool.markDown(hostIndex);
        failures = recordFailure(failures, host.label, err.code, this.describeFailure(err));
        excluded |= 1 << hostIndex;
        if (isTimeout) timedOut |= 1 << hostIndex;
        if (afterTransportFailure(err.kind, wire.method) === "failover") {
          let next = pool.pick(hostIndex + 1, excluded, !lastRound);
          if (next === -1 && !lastRound) {
            lastRound = true;
            excluded = timedOut;
            next = pool.pick(hostIndex + 1, excluded, false);
          }
          if (next !== -1) {
            telemetry.recordRetry(retryReason(err), start);
            hostIndex = next;
            resendCount++;
            continue;
          }
        }
        throw this.finalFailure(err, wire, failures);
      }

      scope.end({ statusCode: res.status });
      if (debugSink !== undefined) this.log(wire, res.status, undefined, t0, resendCount, host);
      pool.markUp(hostIndex);
      if (res.status === 429 && rateLimitedRetries < cfg.maxRetries) {
        telemetry.recordRetry("rate_limited", start);
        await sleep(rateLimitDelayMs(res.headers["retry-after"], rateLimitedRetries, cfg.maxRetryAfterMs));
        rateLimitedRetries++;
        resendCount++;
        // Prefer another host: the next one that is up, else this one again.
        const next = pool.pick(hostIndex + 1, excluded, true);
        if (next !== -1) hostIndex = next;
        continue;
      }
      return { res, wire, host };
    }
  }

  private headers(call: CoreCall, template: PathTemplate, cdiVersion: string | undefined): Record<string, string> {
    const h: Record<string, string> = {};
    const apiKey = this.cfg.apiKey;
    if (apiKey !== undefined) h["api-key"] = apiKey;
    if (cdiVersion !== undefined) h["cdi-version"] = cdiVersion;
    if (call.rid !== undefined && template.isRecipePath) h.rid = call.rid;
    if (call.body !== undefined) h["content-type"] = JSON_CONTENT_TYPE;
    return h;
  }

  private parse<T>(answer: Answer, body: CachedResponse): T {
    const { res, wire, host } = answer;
    const path = pathOnly(wire.path);
    if (res.status !== 200) {
      const text = res.text.length > MAX_CORE_MESSAGE ? res.text.slice(0, MAX_CORE_MESSAGE) + "…" : res.text;
      throw this.redact(new CoreError(res.status, wire.method, path, redactSecret(text.trim(), this.cfg.apiKey) || "(empty body)", host.label));
    }
    try {
      return parseOk(body, wire.method, path, host.label);
    } catch (err) {
      throw this.redact(err);
    }
  }

  private finalFailure(last: TransportFailure, wire: WireRequest, failures: HostFailure[]): Error {
    const path = pathOnly(wire.path);
    const notRetried = afterTransportFailure(last.kind, wire.method) === "throw";
    if (failures.every((f) => f.code === "connect_timeout" || f.code === "request_timeout")) {
      return new CoreTimeoutError(wire.method, path, last.kind === "connect_timeout" ? "connect" : "request", failures, notRetried);
    }
    const note = last.kind === "broken_response" && notRetried
      ? " (the connection broke after the core started answering; not retried: the core may already have applied this write)"
      : "";
    return new CoreUnavailableError(wire.method, path, failures, note);
  }

  private describeFailure(err: TransportFailure): string {
    switch (err.kind) {
      case "connect_timeout":
        return `no connection within ${this.cfg.connectTimeoutMs} ms`;
      case "request_timeout":
        return `no response within ${this.cfg.requestTimeoutMs} ms`;
      case "broken_response":
        return `connection broke mid-response: ${redactSecret(err.message, this.cfg.apiKey)}`;
      default:
        return redactSecret(err.message, this.cfg.apiKey) || err.code;
    }
  }

  private log(wire: WireRequest, status: number | undefined, error: string | undefined, t0: number, resendCount: number, host: CoreHost): void {
    const line = formatDebugLine({
      method: wire.method,
      path: wire.path,
      status,
      error,
      ms: performance.now() - t0,
      attempt: resendCount + 1,
      host: host.label,
    });
    try {
      this.cfg.debugSink!(line);
    } catch {
      // A failing log sink must never fail a core call.
    }
  }

  /** Scrubs the API key out of an error's message (an interceptor or core may echo it). */
  private redact(err: unknown): unknown {
    if (err instanceof Error && this.cfg.apiKey !== undefined) scrubError(err, this.cfg.apiKey, 0);
    return err;
  }
}

/**
 * The API key out of an error's message and stack, and its cause's (util.inspect and
 * console.error print the whole cause chain). In place: nothing else of the error is lost.
 */
function scrubError(err: Error, apiKey: string, depth: number): void {
  err.message = redactSecret(err.message, apiKey);
  if (typeof err.stack === "string") err.stack = redactSecret(err.stack, apiKey);
  const cause: unknown = err.cause;
  if (cause instanceof Error && depth < 4) scrubError(cause, apiKey, depth + 1);
  else if (typeof cause === "string" && cause.includes(apiKey)) {
    Object.defineProperty(err, "cause", { value: redactSecret(cause, apiKey), configurable: true, writable: true });
  }
}

/** One entry per host: its last failure and how many times it was tried. */
function recordFailure(failures: HostFailure[] | undefined, host: string, code: string, message: string): HostFailure[] {
  const list = failures ?? [];
  const seen = list.find((f) => f.host === host);
  if (seen === undefined) list.push({ host, code, message, attempts: 1 });
  else Object.assign(seen, { code, message, attempts: seen.attempts + 1 });
  return list;
}

function parseOk<T>(body: CachedResponse, method: string, path: string, host: string): T {
  if (body.contentType !== undefined && body.contentType.startsWith("text")) return body.text as T;
  try {
    return JSON.parse(body.text) as T;
  } catch {
    const preview = body.text.length > 200 ? body.text.slice(0, 200) + "…" : body.text;
    throw new CoreError(200, method, path, `the body is not valid JSON: ${JSON.stringify(preview)}`, host);
  }
}

function serialiseInterceptedBody(req: HttpRequest): string | undefined {
  if (req.body === undefined) return undefined;
  try {
    return JSON.stringify(req.body);
  } catch (cause) {
    throw new InterceptorError(`networkInterceptor returned a body that cannot be serialised to JSON; nothing was sent`, cause);
  }
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown }).then === "function";
}

function contentTypeOf(res: CoreResponse): string | undefined {
  const ct = res.headers["content-type"];
  return Array.isArray(ct) ? ct[0] : ct;
}

function pathOnly(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf("?");
  return q === -1 ? pathAndQuery : pathAndQuery.slice(0, q);
}

function retryReason(err: TransportFailure): RetryReason {
  return err.kind === "connect_timeout" || err.kind === "request_timeout" ? "timeout" : "connection_error";
}

function errorTypeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return err instanceof Error ? err.name : "unknown";
}
