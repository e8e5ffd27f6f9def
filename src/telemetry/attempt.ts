/**
 * The real AttemptScope behind the seam (seam.ts): one CLIENT span, metrics
 * and diagnostics messages for one request the querier sends to the core.
 *
 * Cost discipline: everything that builds strings or objects (url.full, the
 * interceptor diff, header capture) runs only when the span is recording; the
 * metric and channel work only when a meter provider or a subscriber is there.
 */
import {
  SpanKind,
  SpanStatusCode,
  context,
  createContextKey,
  diag,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapSetter,
  type Tracer,
} from "@opentelemetry/api";
import type { HttpRequest } from "../querier/types.js";
import type { AttemptOutcome, AttemptScope, AttemptStart } from "./seam.js";
import { NEVER_CAPTURED_HEADERS, type ResolvedTelemetryConfig } from "./config.js";
import type { Instruments } from "./providers.js";
import { coreRequestChannel, type CoreRequestMessage } from "./channel.js";
import { diffRequest, snapshotRequest, type RequestSnapshot } from "./diff.js";
import { redactSecret } from "../querier/errors.js";
import { REDACTED, redactedBody, redactedFullUrl, redactedHeaders } from "./redact.js";
import * as N from "./names.js";

/**
 * The key @opentelemetry/core's suppressTracing() sets. createContextKey uses
 * Symbol.for, so this is the same key without depending on the SDK: an HTTP
 * instrumentation (instrumentation-undici) sees the send as suppressed and
 * neither starts a second CLIENT span nor injects a second traceparent.
 */
const SUPPRESS_TRACING_KEY = createContextKey("OpenTelemetry SDK Context Key SUPPRESS_TRACING");

const INTERNAL_SPAN = { kind: SpanKind.INTERNAL };
/** Stands for a chain that rejected or threw with `undefined`, so that "no error" stays distinguishable. */
const NO_ERROR_VALUE = Symbol("no error value");

const KNOWN_METHODS = new Set(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "QUERY"]);

interface HostInfo {
  address: string;
  port: number;
}

const hostCache = new Map<string, HostInfo>();

function hostInfo(origin: string): HostInfo {
  let info = hostCache.get(origin);
  if (info) return info;
  try {
    const u = new URL(origin);
    const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
    info = { address: u.hostname.replace(/^\[|\]$/g, ""), port };
  } catch {
    info = { address: "unknown", port: 0 };
  }
  if (hostCache.size > 256) hostCache.clear();
  hostCache.set(origin, info);
  return info;
}

/** Whether `url` is on `origin` (the fast answer to "did the interceptor move the request to another host?"). */
function onOrigin(url: string, origin: string): boolean {
  if (!url.startsWith(origin)) return false;
  const next = url.charCodeAt(origin.length);
  return Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */;
}

interface PerOperation {
  /** The span name: "{METHOD} {url.template}" ("HTTP ..." for _OTHER). */
  spanName: string;
  /** Attributes of corelens.interceptor.duration (shared, never mutated). */
  interceptorAttrs: Attributes;
  /** Request-duration and in-flight series of this operation, per host (HostInfo objects are cached per origin). */
  byHost: Map<HostInfo, HostSeries>;
}

/** The metric attribute sets of one (method, template, host): built once, shared, never mutated. */
interface HostSeries {
  /** method, server address and port, template: corelens.core.active_requests and the base of the duration's. */
  attrs: Attributes;
  inFlightKey: string;
  /** The duration's attributes per response status (with error.type for 4xx/5xx). */
  byStatus: Map<number, Attributes>;
}

function hostSeries(op: PerOperation, method: string, template: string, host: HostInfo): HostSeries {
  let series = op.byHost.get(host);
  if (!series) {
    if (op.byHost.size > 64) op.byHost.clear(); // hosts are few; this only bounds misuse
    series = {
      attrs: {
        [N.ATTR_HTTP_REQUEST_METHOD]: method,
        [N.ATTR_SERVER_ADDRESS]: host.address,
        [N.ATTR_SERVER_PORT]: host.port,
        [N.ATTR_URL_TEMPLATE]: template,
      },
      inFlightKey: `${method} ${template} ${host.address}:${host.port}`,
      byStatus: new Map(),
    };
    op.byHost.set(host, series);
  }
  return series;
}

function statusAttrs(series: HostSeries, statusCode: number): Attributes {
  let attrs = series.byStatus.get(statusCode);
  if (!attrs) {
    attrs = { ...series.attrs, [N.ATTR_HTTP_RESPONSE_STATUS_CODE]: statusCode };
    if (statusCode >= 400) attrs[N.ATTR_ERROR_TYPE] = String(statusCode);
    series.byStatus.set(statusCode, attrs);
  }
  return attrs;
}

/** Per (template, method): strings and attribute sets built once, not per attempt. */
const perOperation = new Map<string, Map<string, PerOperation>>();

function operation(method: string, template: string): PerOperation {
  let byMethod = perOperation.get(template);
  if (!byMethod) {
    if (perOperation.size > 1024) perOperation.clear(); // templates are few; this only bounds misuse
    perOperation.set(template, (byMethod = new Map()));
  }
  let op = byMethod.get(method);
  if (!op) {
    op = {
      spanName: `${method === "_OTHER" ? "HTTP" : method} ${template}`,
      interceptorAttrs: { [N.ATTR_URL_TEMPLATE]: template, [N.ATTR_HTTP_REQUEST_METHOD]: method },
      byHost: new Map(),
    };
    byMethod.set(method, op);
  }
  return op;
}

/** The querier's own spellings, answered without upper-casing a string per attempt. */
const COMMON_METHODS = new Map<unknown, string>(
  ["GET", "POST", "PUT", "DELETE", "PATCH"].flatMap((m) => [[m, m], [m.toLowerCase(), m]] as [string, string][]),
);

function semconvMethod(method: string): string {
  const common = COMMON_METHODS.get(method);
  if (common !== undefined) return common;
  const upper = String(method).toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : "_OTHER";
}

const lowerCaseSetter: TextMapSetter<Record<string, string>> = {
  set(carrier, key, value) {
    carrier[key.toLowerCase()] = value;
  },
};

let lastFields: string[] = [];
let lastFieldSet: Set<string> = new Set();
/** The global propagator's header names, lower-cased. (fields() returns a fresh array each time: compare contents.) */
function propagationFieldSet(): Set<string> {
  const fields = propagation.fields();
  let same = fields.length === lastFields.length;
  for (let i = 0; same && i < fields.length; i++) same = fields[i] === lastFields[i];
  if (!same) {
    lastFields = fields;
    lastFieldSet = new Set(fields.map((f) => f.toLowerCase()));
  }
  return lastFieldSet;
}

function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

function errorKind(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === "string" && code) return code;
    if (typeof name === "string" && name) return name;
  }
  return "_OTHER";
}

/** Runs a user hook so that its failure can never reach the core call. */
function guarded(what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    diag.error(`corelens telemetry: the ${what} threw; ignored`, e);
  }
}

export class Attempt implements AttemptScope {
  private readonly parentCtx: Context;
  private readonly spanCtx: Context;
  private readonly span: Span | undefined;
  private readonly recording: boolean;
  private readonly startedAt = performance.now();
  private host: HostInfo;
  private method: string;
  private snapshot: RequestSnapshot | undefined;
  private final: HttpRequest | undefined;
  private apiKey: string | undefined;
  private series: HostSeries | undefined;
  private message: CoreRequestMessage | undefined;
  private sent = false;
  private ended = false;

  constructor(
    private readonly config: ResolvedTelemetryConfig,
    private readonly start: AttemptStart,
    private readonly tracer: Tracer | undefined,
    private readonly instruments: Instruments | undefined,
    private readonly channelOn: boolean,
  ) {
    this.parentCtx = context.active();
    this.host = hostInfo(start.hostOrigin);
    this.method = semconvMethod(start.method);
    if (tracer) {
      const attributes: Attributes = {
        [N.ATTR_HTTP_REQUEST_METHOD]: this.method,
        [N.ATTR_SERVER_ADDRESS]: this.host.address,
        [N.ATTR_SERVER_PORT]: this.host.port,
        [N.ATTR_URL_TEMPLATE]: start.template,
        [N.ATTR_NETWORK_PROTOCOL_VERSION]: "1.1",
      };
      if (start.resendCount > 0) attributes[N.ATTR_HTTP_REQUEST_RESEND_COUNT] = start.resendCount;
      if (start.cdiVersion !== undefined) attributes[N.ATTR_CDI_VERSION] = start.cdiVersion;
      if (start.tenantId !== undefined) attributes[N.ATTR_TENANT_ID] = start.tenantId;
      this.span = tracer.startSpan(
        operation(this.method, start.template).spanName,
        { kind: SpanKind.CLIENT, attributes },
        this.parentCtx,
      );
      this.recording = this.span.isRecording();
      this.spanCtx = trace.setSpan(this.parentCtx, this.span);
    } else {
      this.span = undefined;
      this.recording = false;
      this.spanCtx = this.parentCtx;
    }
  }

  /** Not async: a synchronous chain costs no promise (each one is dearer under an async-hooks context manager). */
  intercept(original: HttpRequest, runChain: () => HttpRequest | Promise<HttpRequest>): HttpRequest | Promise<HttpRequest> {
    this.apiKey = original.headers?.["api-key"];
    if (!this.start.hasInterceptor) return runChain();
    if (this.recording) this.snapshot = snapshotRequest(original);
    const t0 = this.instruments ? performance.now() : 0;
    const span = this.tracer?.startSpan(N.SPAN_INTERCEPTOR, INTERNAL_SPAN, this.spanCtx);
    let result: HttpRequest | Promise<HttpRequest>;
    try {
      result = context.with(span ? trace.setSpan(this.spanCtx, span) : this.spanCtx, runChain);
    } catch (error) {
      this.interceptorDone(span, t0, error ?? NO_ERROR_VALUE);
      throw error;
    }
    if (typeof (result as { then?: unknown }).then !== "function") {
      this.interceptorDone(span, t0, undefined);
      return result;
    }
    return (result as Promise<HttpRequest>).then(
      (final) => {
        this.interceptorDone(span, t0, undefined);
        return final;
      },
      (error: unknown) => {
        this.interceptorDone(span, t0, error ?? NO_ERROR_VALUE);
        throw error;
      },
    );
  }

  /** Ends the corelens.interceptor span (ERROR when the chain failed) and records its duration. */
  private interceptorDone(span: Span | undefined, t0: number, error: unknown): void {
    if (span) {
      if (error !== undefined) {
        this.recordException(span, error === NO_ERROR_VALUE ? undefined : error);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
    this.instruments?.interceptorDuration.record(
      (performance.now() - t0) / 1000,
      operation(this.method, this.start.template).interceptorAttrs,
    );
  }

  beforeSend(final: HttpRequest, original: HttpRequest): void {
    try {
      this.final = final;
      this.apiKey ??= original.headers?.["api-key"];
      const method = semconvMethod(final.method);
      const methodChanged = method !== this.method;
      this.method = method;
      const hostChanged = !onOrigin(final.url, this.start.hostOrigin);
      if (hostChanged) {
        try {
          this.host = hostInfo(new URL(final.url).origin);
        } catch {
          // The querier rejects such a request itself; keep the configured host.
        }
      }
      // url.full for the span and the channel message alike: redacted once.
      const url = this.recording || this.channelOn ? redactedFullUrl(final, this.config.redactKeys) : "";
      if (this.recording) this.recordRequest(final, original, methodChanged, hostChanged, url);
      if (this.instruments) this.series = hostSeries(operation(method, this.start.template), method, this.start.template, this.host);
      if (this.config.propagate) this.inject(final);
      if (this.channelOn) {
        this.message = {
          template: this.start.template,
          request: {
            method: String(final.method).toUpperCase(),
            url,
            headers: redactedHeaders(final.headers, NEVER_CAPTURED_HEADERS, this.config.redactKeys),
          },
          resendCount: this.start.resendCount,
        };
        if (this.start.tenantId !== undefined) this.message.tenantId = this.start.tenantId;
      }
    } catch (e) {
      diag.warn("corelens telemetry: could not record the request", e);
    }
  }

  private recordRequest(final: HttpRequest, original: HttpRequest, methodChanged: boolean, hostChanged: boolean, fullUrl: string): void {
    const span = this.span!;
    const cfg = this.config;
    const attrs: Attributes = { [N.ATTR_URL_FULL]: fullUrl };
    if (methodChanged) {
      attrs[N.ATTR_HTTP_REQUEST_METHOD] = this.method;
      span.updateName(operation(this.method, this.start.template).spanName);
    }
    if (this.method === "_OTHER") attrs[N.ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = String(final.method);
    if (hostChanged) {
      attrs[N.ATTR_SERVER_ADDRESS] = this.host.address;
      attrs[N.ATTR_SERVER_PORT] = this.host.port;
    }
    let bodyChanged = false;
    if (this.start.hasInterceptor) {
      const before = this.snapshot ?? snapshotRequest(original);
      const diff = diffRequest(before, final);
      bodyChanged = diff.bodyChanged;
      attrs[N.ATTR_INTERCEPTOR_CHANGED] = diff.changed;
      if (diff.changed.includes("method")) attrs[N.ATTR_ORIGINAL_METHOD] = before.method.toUpperCase();
      if (diff.changed.includes("url")) {
        attrs[N.ATTR_ORIGINAL_URL] = redactedFullUrl({ url: before.url, params: before.params }, cfg.redactKeys);
      }
      if (diff.headers.added.length) attrs[N.ATTR_HEADERS_ADDED] = diff.headers.added;
      if (diff.headers.removed.length) attrs[N.ATTR_HEADERS_REMOVED] = diff.headers.removed;
      if (diff.headers.modified.length) attrs[N.ATTR_HEADERS_MODIFIED] = diff.headers.modified;
      if (diff.params.added.length) attrs[N.ATTR_PARAMS_ADDED] = diff.params.added;
      if (diff.params.removed.length) attrs[N.ATTR_PARAMS_REMOVED] = diff.params.removed;
      if (diff.params.modified.length) attrs[N.ATTR_PARAMS_MODIFIED] = diff.params.modified;
      attrs[N.ATTR_BODY_CHANGED] = diff.bodyChanged;
      if (bodyChanged && cfg.captureBodyMaxLength > 0 && before.body !== undefined) {
        attrs[N.ATTR_ORIGINAL_BODY_CONTENT] = redactedBody(before.body, cfg.redactKeys, cfg.captureBodyMaxLength);
      }
    }
    if (cfg.captureHeaders.length) {
      const headers = final.headers;
      for (const name of cfg.captureHeaders) {
        const value = headerValue(headers, name);
        if (value !== undefined) attrs[N.ATTR_HTTP_REQUEST_HEADER_PREFIX + name] = [value];
      }
    }
    if (cfg.captureBodyMaxLength > 0 && final.body !== undefined) {
      attrs[N.ATTR_HTTP_REQUEST_BODY_CONTENT] = redactedBody(final.body, cfg.redactKeys, cfg.captureBodyMaxLength);
    }
    span.setAttributes(attrs);
    const hook = cfg.requestHook;
    if (hook) {
      // The snapshot, not `original`: the interceptor may have mutated that object in place.
      const before = this.snapshot;
      const asBuilt: HttpRequest = before
        ? { url: before.url, method: before.method as HttpRequest["method"], headers: before.headers, params: before.params, body: before.body }
        : original;
      guarded("requestHook", () => hook(span, { request: final, original: asBuilt, template: this.start.template }));
    }
  }

  /** Replaces any trace headers the request carries with this attempt's, so the core sees exactly one traceparent. */
  private inject(final: HttpRequest): void {
    const fields = propagationFieldSet();
    if (fields.size === 0) return;
    const headers = final.headers;
    for (const name in headers) {
      if (fields.has(name.toLowerCase())) delete headers[name];
    }
    propagation.inject(this.spanCtx, headers, lowerCaseSetter);
  }

  send<T>(fn: () => Promise<T>): Promise<T> {
    this.sent = true;
    const series = this.series;
    if (series) this.instruments!.activeRequests.add(series.inFlightKey, series.attrs);
    if (this.message) guarded("diagnostics_channel start subscriber", () => coreRequestChannel.start.publish(this.message!));
    // Inject happened from the non-suppressed context (beforeSend); the send itself runs suppressed.
    return context.with(this.spanCtx.setValue(SUPPRESS_TRACING_KEY, true), fn);
  }

  end(outcome: AttemptOutcome): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const { statusCode, error } = outcome;
      let errorType: string | undefined;
      if (statusCode !== undefined && statusCode >= 400) errorType = String(statusCode);
      else if (error !== undefined && (outcome.errorType === "timeout" || !isAbort(error))) {
        errorType = outcome.errorType ?? errorKind(error);
      }
      const span = this.span;
      if (span) {
        if (this.recording) {
          if (statusCode !== undefined) span.setAttribute(N.ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
          if (errorType !== undefined) span.setAttribute(N.ATTR_ERROR_TYPE, errorType);
          if (error !== undefined && errorType !== undefined) this.recordException(span, error);
          if (errorType !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
          const hook = this.config.responseHook;
          if (hook) {
            const info: Parameters<typeof hook>[1] = { request: this.final ?? ({} as HttpRequest), template: this.start.template };
            if (statusCode !== undefined) info.statusCode = statusCode;
            if (error !== undefined) info.error = error;
            guarded("responseHook", () => hook(span, info));
          }
        }
        span.end();
      }
      const series = this.series;
      if (this.sent && series) {
        const inst = this.instruments!;
        inst.activeRequests.remove(series.inFlightKey);
        let attrs: Attributes;
        // A response: one shared attribute set per status (error.type is then the status itself).
        if (statusCode !== undefined && errorType === (statusCode >= 400 ? String(statusCode) : undefined)) attrs = statusAttrs(series, statusCode);
        else {
          attrs = { ...series.attrs };
          if (statusCode !== undefined) attrs[N.ATTR_HTTP_RESPONSE_STATUS_CODE] = statusCode;
          if (errorType !== undefined) attrs[N.ATTR_ERROR_TYPE] = errorType;
        }
        inst.requestDuration.record((performance.now() - this.startedAt) / 1000, attrs);
      }
      const message = this.message;
      if (message) {
        if (statusCode !== undefined) message.statusCode = statusCode;
        if (error !== undefined) {
          message.error = error;
          if (errorType !== undefined) message.errorType = errorType;
          guarded("diagnostics_channel error subscriber", () => coreRequestChannel.error.publish(message));
        }
        guarded("diagnostics_channel end subscriber", () => coreRequestChannel.end.publish(message));
      }
    } catch (e) {
      diag.warn("corelens telemetry: could not end the attempt", e);
    }
  }

  /** Records an exception with the API key scrubbed from its text. */
  private recordException(span: Span, error: unknown): void {
    if (typeof error === "object" && error !== null) {
      const e = error as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
      const exception: { name: string; message: string; stack?: string; code?: string } = {
        name: typeof e.name === "string" ? e.name : "Error",
        message: redactSecret(String(e.message ?? ""), this.apiKey, REDACTED),
      };
      if (typeof e.stack === "string") exception.stack = redactSecret(e.stack, this.apiKey, REDACTED);
      if (typeof e.code === "string") exception.code = e.code;
      span.recordException(exception);
    } else {
      span.recordException(redactSecret(String(error), this.apiKey, REDACTED));
    }
  }
}

function headerValue(headers: Record<string, string>, lowerName: string): string | undefined {
  const direct = headers[lowerName];
  if (direct !== undefined) return String(direct);
  for (const k in headers) if (k.toLowerCase() === lowerName) return String(headers[k]);
  return undefined;
}
