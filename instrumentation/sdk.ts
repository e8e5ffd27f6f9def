/**
 * The NodeSDK the bootstrap starts (instrumentation/index.ts), as a function so
 * it can also be called by hand: OTLP http/protobuf traces, a Prometheus
 * endpoint for metrics, the undici instrumentation for the app's other HTTP
 * calls, W3C propagation, and a flush on SIGTERM, SIGINT and normal exit.
 *
 * The standard OTEL_* variables are honoured because NodeSDK reads them:
 * OTEL_SDK_DISABLED, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_TRACES_EXPORTER (otlp | console | none), OTEL_EXPORTER_OTLP_ENDPOINT
 * (default http://localhost:4318), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
 * OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_SAMPLER, OTEL_PROPAGATORS,
 * OTEL_LOG_LEVEL. Metrics: unless OTEL_METRICS_EXPORTER is set (then NodeSDK
 * follows it), a Prometheus endpoint on OTEL_EXPORTER_PROMETHEUS_HOST (default
 * 0.0.0.0) : OTEL_EXPORTER_PROMETHEUS_PORT (default 9464) /metrics.
 */
import { context, diag } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, isTracingSuppressed } from "@opentelemetry/core";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { NodeSDK, type NodeSDKConfiguration } from "@opentelemetry/sdk-node";
import { CorelensInstrumentation, type CorelensInstrumentationConfig } from "./instrumentation.js";

export interface CorelensSdkOptions {
  /** Options for corelens' own telemetry (captureHeaders, captureBody, redactKeys, hooks, propagate). */
  corelens?: CorelensInstrumentationConfig;
  /** Anything else for NodeSDK (it wins over the defaults above). */
  sdk?: Partial<NodeSDKConfiguration>;
  /** Install the SIGTERM / SIGINT / beforeExit flush. Default true. */
  flushOnExit?: boolean;
}

export interface StartedSdk {
  sdk: NodeSDK;
  /** Flushes and shuts the SDK down; safe to call more than once. */
  shutdown(): Promise<void>;
}

export function startCorelensSdk(options: CorelensSdkOptions = {}): StartedSdk {
  const config: Partial<NodeSDKConfiguration> = {
    instrumentations: [
      new CorelensInstrumentation(options.corelens),
      // Core calls run with tracing suppressed (corelens owns their CLIENT span and traceparent);
      // ignoring them here also keeps undici from recording a second duration metric for them.
      new UndiciInstrumentation({ ignoreRequestHook: () => isTracingSuppressed(context.active()) }),
    ],
  };
  if (!process.env.OTEL_PROPAGATORS) {
    config.textMapPropagator = new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    });
  }
  if (!process.env.OTEL_METRICS_EXPORTER) config.metricReaders = [new PrometheusExporter()];
  const sdk = new NodeSDK({ ...config, ...options.sdk });
  sdk.start();

  let done: Promise<void> | undefined;
  const shutdown = () =>
    (done ??= sdk.shutdown().catch((err: unknown) => diag.error("corelens: OpenTelemetry SDK shutdown failed", err)));

  if (options.flushOnExit !== false) {
    // Normal exit: the event loop emptied; the flush keeps it alive until the export is done.
    process.once("beforeExit", () => void shutdown());
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        void shutdown().then(() => {
          // Our listener replaced the default "exit on signal": if nobody else handles it, re-raise it.
          if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
      });
    }
  }
  return { sdk, shutdown };
}
