/**
 * Finding the tracer and meter cheaply on every attempt.
 *
 * An SDK may be registered after corelens is imported, or replaced in tests, so
 * nothing is cached forever: the tracer and the instruments are cached per
 * provider object and rebuilt when the provider in force changes. "Is anyone
 * listening?" is two identity checks, so the no-SDK path stays near free.
 */
import {
  ProxyTracerProvider,
  createNoopMeter,
  metrics,
  trace,
  ValueType,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type Tracer,
  type TracerProvider,
  type Attributes,
  type ObservableResult,
} from "@opentelemetry/api";
import {
  DURATION_BUCKETS,
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  METRIC_ACTIVE_REQUESTS,
  METRIC_CORE_RETRIES,
  METRIC_INTERCEPTOR_DURATION,
  METRIC_REQUEST_DURATION,
} from "./names.js";
import type { ResolvedTelemetryConfig } from "./config.js";

/** The API's own no-op provider, obtained through its public surface. */
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
const NOOP_METER = createNoopMeter();

let cachedTracerProvider: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;
let cachedTracingOn = false;

/** The tracer to use now, or undefined when no tracer provider is registered. */
export function activeTracer(config: ResolvedTelemetryConfig): Tracer | undefined {
  const provider = config.tracerProvider ?? trace.getTracerProvider();
  if (provider !== cachedTracerProvider) {
    cachedTracerProvider = provider;
    // A ProxyTracer (from the global ProxyTracerProvider) finds a delegate registered later by itself.
    cachedTracer = provider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  }
  if (provider === NOOP_TRACER_PROVIDER) return undefined;
  const getDelegate = (provider as Partial<ProxyTracerProvider>).getDelegate;
  if (typeof getDelegate === "function") {
    cachedTracingOn = getDelegate.call(provider) !== NOOP_TRACER_PROVIDER;
  } else cachedTracingOn = true;
  return cachedTracingOn ? cachedTracer : undefined;
}

/**
 * Requests in flight, per attribute set. Counting here and reporting through an
 * observable instrument at collection time costs a Map update per request
 * instead of two attribute-hashing UpDownCounter.add calls.
 */
export class InFlightRequests {
  private readonly byKey = new Map<string, { attributes: Attributes; count: number }>();

  add(key: string, attributes: Attributes): void {
    const entry = this.byKey.get(key);
    if (entry) entry.count++;
    else this.byKey.set(key, { attributes, count: 1 });
  }

  remove(key: string): void {
    const entry = this.byKey.get(key);
    if (entry) entry.count--;
  }

  observe(result: ObservableResult): void {
    // Series that dropped to zero keep reporting 0: their number is bounded by templates x hosts x methods.
    for (const { attributes, count } of this.byKey.values()) result.observe(count, attributes);
  }
}

export interface Instruments {
  requestDuration: Histogram;
  interceptorDuration: Histogram;
  retries: Counter;
  activeRequests: InFlightRequests;
}

let cachedMeterProvider: MeterProvider | undefined;
let cachedInstruments: Instruments | undefined;

/** The metric instruments to use now, or undefined when no meter provider is registered. */
export function activeInstruments(config: ResolvedTelemetryConfig): Instruments | undefined {
  const provider = config.meterProvider ?? metrics.getMeterProvider();
  if (provider !== cachedMeterProvider) {
    cachedMeterProvider = provider;
    const meter = provider.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
    cachedInstruments = meter === NOOP_METER ? undefined : createInstruments(meter);
  }
  return cachedInstruments;
}

function createInstruments(meter: Meter): Instruments {
  const activeRequests = new InFlightRequests();
  meter
    .createObservableUpDownCounter(METRIC_ACTIVE_REQUESTS, {
      description: "Core requests in flight.",
      unit: "{request}",
      valueType: ValueType.INT,
    })
    .addCallback((result) => activeRequests.observe(result));
  return {
    requestDuration: meter.createHistogram(METRIC_REQUEST_DURATION, {
      description: "Duration of each HTTP request corelens sends to the core (one per attempt).",
      unit: "s",
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    interceptorDuration: meter.createHistogram(METRIC_INTERCEPTOR_DURATION, {
      description: "Time the network interceptor(s) took for one attempt.",
      unit: "s",
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    retries: meter.createCounter(METRIC_CORE_RETRIES, {
      description: "Core requests resent after a connection error, a 429 or a timeout (retries and failovers).",
      unit: "{retry}",
      valueType: ValueType.INT,
    }),
    activeRequests,
  };
}
