/**
 * CorelensInstrumentation: how an app that builds its own NodeSDK turns
 * corelens telemetry on and configures it.
 *
 *   new NodeSDK({ instrumentations: [new CorelensInstrumentation({ captureHeaders: ["x-tenant"] }), new UndiciInstrumentation()] })
 *
 * corelens needs no patching (the querier calls telemetry itself), so init()
 * returns no module definitions: the class only carries the config and the
 * providers to the querier through src/telemetry/config.ts, and turns the
 * telemetry off on disable().
 */
import { InstrumentationBase, type InstrumentationConfig } from "@opentelemetry/instrumentation";
import type { MeterProvider, TracerProvider } from "@opentelemetry/api";
import {
  configureTelemetry,
  setTelemetryEnabled,
  setTelemetryProviders,
  type CorelensTelemetryOptions,
} from "../src/telemetry/config.js";
import { INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from "../src/telemetry/names.js";

export type { CorelensTelemetryOptions, RequestHookInfo, ResponseHookInfo } from "../src/telemetry/config.js";

export interface CorelensInstrumentationConfig extends InstrumentationConfig, CorelensTelemetryOptions {}

export class CorelensInstrumentation extends InstrumentationBase<CorelensInstrumentationConfig> {
  constructor(config: CorelensInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, config);
    if (config.enabled === false) setTelemetryEnabled(false);
  }

  protected override init(): undefined {
    return undefined;
  }

  /** Validates and applies the telemetry options; throws TelemetryConfigError on bad input. */
  override setConfig(config: CorelensInstrumentationConfig = {}): void {
    configureTelemetry(config);
    super.setConfig(config);
  }

  override setTracerProvider(tracerProvider: TracerProvider): void {
    super.setTracerProvider(tracerProvider);
    setTelemetryProviders({ tracerProvider });
  }

  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    setTelemetryProviders({ meterProvider });
  }

  override enable(): void {
    super.enable();
    setTelemetryEnabled(true);
  }

  override disable(): void {
    super.disable();
    setTelemetryEnabled(false);
  }
}
