// OpenTelemetry for the demo, set up by hand so the demo can read its own data:
// every span goes to an in-memory exporter and the metrics to a reader the
// report collects from. With --serve, spans also go to OTLP (http/protobuf)
// and metrics to a Prometheus endpoint.
import { metrics } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { ExpressInstrumentation, ExpressLayerType } from "@opentelemetry/instrumentation-express";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { CorelensInstrumentation } from "corelens/instrumentation/class";

/** A reader the demo pulls from when it prints its report. */
class OnDemandReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

/**
 * Starts tracing and metrics. `ignoredPorts` are local server ports whose
 * incoming requests get no HTTP server span (the dev core records its own).
 */
export function startTelemetry({ serve = false, serviceName = "corelens-demo", ignoredPorts = new Set() } = {}) {
  const resource = resourceFromAttributes({ "service.name": serviceName });
  const spans = new InMemorySpanExporter();
  const spanProcessors = [new SimpleSpanProcessor(spans)];
  let otlpEndpoint;
  if (serve) {
    otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT || "http://localhost:4318";
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors });
  tracerProvider.register(); // global provider, AsyncLocalStorage context, W3C propagation

  const reader = new OnDemandReader();
  const readers = [reader];
  let prometheus;
  if (serve) {
    prometheus = new PrometheusExporter({ host: process.env.OTEL_EXPORTER_PROMETHEUS_HOST || "127.0.0.1" });
    readers.push(prometheus);
  }
  const meterProvider = new MeterProvider({ resource, readers });
  metrics.setGlobalMeterProvider(meterProvider);

  const promPort = Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT) || 9464;
  registerInstrumentations({
    tracerProvider,
    meterProvider,
    instrumentations: [
      // Record the x-tenant-id value the interceptor adds on each core CLIENT span.
      new CorelensInstrumentation({ captureHeaders: ["x-tenant-id"] }),
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => ignoredPorts.has(req.socket.localPort) || (serve && req.socket.localPort === promPort),
      }),
      // Only the route name (server span "POST /auth/signin"), no span per middleware.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER] }),
    ],
  });

  return {
    spans,
    /** The metrics recorded so far (one collection). */
    collectMetrics: async () => (await reader.collect()).resourceMetrics,
    otlpEndpoint,
    prometheusUrl: serve ? `http://${process.env.OTEL_EXPORTER_PROMETHEUS_HOST || "127.0.0.1"}:${promPort}/metrics` : undefined,
    // Bounded: with --serve and no collector listening, the last OTLP export must not hold Ctrl-C up.
    shutdown: () =>
      Promise.race([
        Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]),
        new Promise((resolve) => setTimeout(resolve, 3000).unref()),
      ]),
  };
}
