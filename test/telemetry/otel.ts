/**
 * Real OpenTelemetry SDK pieces for the telemetry tests: a NodeTracerProvider
 * with an in-memory exporter (simple processor, so spans are there as soon as
 * they end), the AsyncLocalStorage context manager, W3C trace-context + baggage
 * propagation, and a MeterProvider with a pull reader.
 */
import { metrics, trace, type Attributes } from "@opentelemetry/api";
import { W3CBaggagePropagator, W3CTraceContextPropagator, CompositePropagator } from "@opentelemetry/core";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { MeterProvider, MetricReader, type DataPoint, type Histogram, type MetricData } from "@opentelemetry/sdk-metrics";

class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface OtelHarness {
  exporter: InMemorySpanExporter;
  tracerProvider: NodeTracerProvider;
  meterProvider: MeterProvider;
  reader: PullReader;
  spans(): ReadableSpan[];
  /** All metric data of one instrument name, from a fresh collection. */
  metric(name: string): Promise<MetricData | undefined>;
  shutdown(): Promise<void>;
}

export function registerOtel(): OtelHarness {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  tracerProvider.register({
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    exporter,
    tracerProvider,
    meterProvider,
    reader,
    spans: () => exporter.getFinishedSpans(),
    async metric(name) {
      const { resourceMetrics } = await reader.collect();
      for (const sm of resourceMetrics.scopeMetrics) {
        for (const m of sm.metrics) if (m.descriptor.name === name) return m;
      }
      return undefined;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
    },
  };
}

export function histogramPoints(m: MetricData | undefined): DataPoint<Histogram>[] {
  return (m?.dataPoints ?? []) as DataPoint<Histogram>[];
}

export function pointWith<T>(points: DataPoint<T>[], attrs: Attributes): DataPoint<T> | undefined {
  return points.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v));
}

/** Every string in every attribute, event, link and status of every span, for the secret scan. */
export function everyRecordedString(spans: ReadableSpan[]): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) v.forEach(add);
    else out.push(String(v));
  };
  for (const s of spans) {
    add(s.name);
    for (const [k, v] of Object.entries(s.attributes)) {
      add(k);
      add(v);
    }
    for (const e of s.events) {
      add(e.name);
      for (const [k, v] of Object.entries(e.attributes ?? {})) {
        add(k);
        add(v);
      }
    }
    add(s.status.message);
  }
  return out;
}
