/**
 * `corelens/instrumentation/class`: the CorelensInstrumentation class, with no
 * side effect (importing it starts nothing). `corelens/instrumentation` is the
 * bootstrap that starts an SDK.
 */
export { CorelensInstrumentation } from "./instrumentation.js";
export type {
  CorelensInstrumentationConfig,
  CorelensTelemetryOptions,
  RequestHookInfo,
  ResponseHookInfo,
} from "./instrumentation.js";
export { TelemetryConfigError } from "../src/telemetry/config.js";
