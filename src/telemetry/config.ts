/**
 * The telemetry options, held once per process. CorelensInstrumentation (in
 * instrumentation/) writes them; the querier's telemetry reads them on every
 * attempt. Kept here, in src/, so src never depends on the OpenTelemetry SDK.
 */
import type { MeterProvider, Span, TracerProvider } from "@opentelemetry/api";
import type { HttpRequest } from "../querier/types.js";

export interface RequestHookInfo {
  /** The request as it will be sent (after the interceptor, before trace headers are injected). Do not mutate it. */
  request: Readonly<HttpRequest>;
  /** The request as corelens built it, before the interceptor. */
  original: Readonly<HttpRequest>;
  /** The CDI path template, e.g. "/<tenantId>/recipe/signup". */
  template: string;
}

export interface ResponseHookInfo {
  request: Readonly<HttpRequest>;
  template: string;
  /** Set when a response arrived. */
  statusCode?: number;
  /** Set when the attempt failed without a response (transport error, timeout, interceptor error). */
  error?: unknown;
}

export interface CorelensTelemetryOptions {
  /**
   * Request header names whose values are recorded as `http.request.header.<name>`.
   * `api-key`, `authorization`, `proxy-authorization`, `cookie` and `set-cookie` are never recorded.
   */
  captureHeaders?: string[];
  /**
   * Record the JSON request body as `http.request.body.content` (secret-like keys
   * redacted, truncated to maxLength characters, default 1024). Off by default.
   */
  captureBody?: boolean | { maxLength?: number };
  /** More body keys and query parameter names whose values are redacted (case-insensitive). */
  redactKeys?: string[];
  /** Runs after the interceptor, with the CLIENT span. A throwing hook is logged and ignored. */
  requestHook?: (span: Span, info: RequestHookInfo) => void;
  /** Runs when the attempt ends, before the span ends. A throwing hook is logged and ignored. */
  responseHook?: (span: Span, info: ResponseHookInfo) => void;
  /** Inject the trace context (traceparent, tracestate, baggage) into core requests. Default true. */
  propagate?: boolean;
}

/** Header names whose values never reach telemetry, whatever the options say. */
export const NEVER_CAPTURED_HEADERS: ReadonlySet<string> = new Set([
  "api-key",
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
]);

/** Options after validation, in the shape the hot path wants. */
export interface ResolvedTelemetryConfig {
  enabled: boolean;
  captureHeaders: readonly string[];
  captureBodyMaxLength: number;
  redactKeys: ReadonlySet<string>;
  requestHook: CorelensTelemetryOptions["requestHook"];
  responseHook: CorelensTelemetryOptions["responseHook"];
  propagate: boolean;
  /** Providers handed to CorelensInstrumentation; otherwise the global ones are used. */
  tracerProvider: TracerProvider | undefined;
  meterProvider: MeterProvider | undefined;
}

export class TelemetryConfigError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "TelemetryConfigError";
  }
}

const DEFAULT_BODY_MAX_LENGTH = 1024;

function resolve(options: CorelensTelemetryOptions, base: ResolvedTelemetryConfig): ResolvedTelemetryConfig {
  const headers = options.captureHeaders ?? [];
  if (!Array.isArray(headers) || headers.some((h) => typeof h !== "string")) {
    throw new TelemetryConfigError("telemetry captureHeaders must be an array of header names, e.g. [\"x-tenant\"]");
  }
  const redactKeys = options.redactKeys ?? [];
  if (!Array.isArray(redactKeys) || redactKeys.some((k) => typeof k !== "string")) {
    throw new TelemetryConfigError("telemetry redactKeys must be an array of key names, e.g. [\"ssn\"]");
  }
  for (const hook of ["requestHook", "responseHook"] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== "function") {
      throw new TelemetryConfigError(`telemetry ${hook} must be a function (span, info) => void`);
    }
  }
  let maxLength = 0;
  const cb = options.captureBody;
  if (cb === true) maxLength = DEFAULT_BODY_MAX_LENGTH;
  else if (cb && typeof cb === "object") {
    maxLength = cb.maxLength ?? DEFAULT_BODY_MAX_LENGTH;
    if (!Number.isInteger(maxLength) || maxLength <= 0) {
      throw new TelemetryConfigError("telemetry captureBody.maxLength must be a positive integer (characters)");
    }
  } else if (cb !== undefined && cb !== false) {
    throw new TelemetryConfigError("telemetry captureBody must be true, false or { maxLength }");
  }
  return {
    ...base,
    captureHeaders: [...new Set(headers.map((h) => h.toLowerCase()))].filter((h) => !NEVER_CAPTURED_HEADERS.has(h)),
    captureBodyMaxLength: maxLength,
    redactKeys: new Set(redactKeys.map((k) => k.toLowerCase())),
    requestHook: options.requestHook,
    responseHook: options.responseHook,
    propagate: options.propagate !== false,
  };
}

const DEFAULTS: ResolvedTelemetryConfig = {
  enabled: true,
  captureHeaders: [],
  captureBodyMaxLength: 0,
  redactKeys: new Set(),
  requestHook: undefined,
  responseHook: undefined,
  propagate: true,
  tracerProvider: undefined,
  meterProvider: undefined,
};

let current: ResolvedTelemetryConfig = DEFAULTS;

/** The options in force; read per attempt. */
export function telemetryConfig(): ResolvedTelemetryConfig {
  return current;
}

/** Replaces the telemetry options (not the providers or the enabled flag). Throws TelemetryConfigError on bad input. */
export function configureTelemetry(options: CorelensTelemetryOptions = {}): void {
  current = resolve(options, current);
}

/** Turns corelens telemetry on or off (CorelensInstrumentation.enable/disable). */
export function setTelemetryEnabled(enabled: boolean): void {
  current = { ...current, enabled };
}

/** Uses these providers instead of the global ones (undefined: back to the global ones). */
export function setTelemetryProviders(providers: { tracerProvider?: TracerProvider; meterProvider?: MeterProvider }): void {
  current = {
    ...current,
    ...("tracerProvider" in providers ? { tracerProvider: providers.tracerProvider } : {}),
    ...("meterProvider" in providers ? { meterProvider: providers.meterProvider } : {}),
  };
}

/** Back to the defaults: global providers, nothing captured, propagation on. For tests and shutdown. */
export function resetTelemetryConfig(): void {
  current = DEFAULTS;
}
