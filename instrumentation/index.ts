/**
 * `node --import corelens/instrumentation app.js`: starts OpenTelemetry before
 * the app (see sdk.ts for what is started and the OTEL_* variables honoured).
 * Importing this module is the side effect; for the class alone, import
 * `corelens/instrumentation/class`.
 */
import { startCorelensSdk } from "./sdk.js";

startCorelensSdk();
