/**
 * Telemetry entry for the rest of src/: the querier asks here for the
 * QuerierTelemetry to use (see seam.ts). Until an OpenTelemetry SDK or a
 * diagnostics_channel subscriber is there, it is the no-op.
 */
import { NOOP_TELEMETRY, type QuerierTelemetry } from "./seam.js";

export type { QuerierTelemetry, AttemptScope, AttemptStart, AttemptOutcome, RetryReason } from "./seam.js";

/** Called by the querier per call; must be cheap. */
export function querierTelemetry(): QuerierTelemetry {
  return NOOP_TELEMETRY;
}
