/**
 * Telemetry entry for the rest of src/: the querier asks here for the
 * QuerierTelemetry to use (see seam.ts). While no OpenTelemetry SDK is
 * registered and nobody subscribes to the diagnostics channel, every attempt
 * gets the shared no-op scope after three identity checks.
 */
import { NOOP_TELEMETRY, type AttemptScope, type AttemptStart, type QuerierTelemetry, type RetryReason } from "./seam.js";
import { telemetryConfig } from "./config.js";
import { activeInstruments, activeTracer } from "./providers.js";
import { channelHasSubscribers } from "./channel.js";
import { Attempt } from "./attempt.js";
import * as N from "./names.js";

export type { QuerierTelemetry, AttemptScope, AttemptStart, AttemptOutcome, RetryReason } from "./seam.js";
export type { CorelensTelemetryOptions, RequestHookInfo, ResponseHookInfo } from "./config.js";
export type { CoreRequestMessage } from "./channel.js";

const NOOP_SCOPE = NOOP_TELEMETRY.startAttempt({} as AttemptStart);

const TELEMETRY: QuerierTelemetry = {
  startAttempt(start: AttemptStart): AttemptScope {
    const config = telemetryConfig();
    if (!config.enabled) return NOOP_SCOPE;
    const tracer = activeTracer(config);
    const instruments = activeInstruments(config);
    const channelOn = channelHasSubscribers();
    if (!tracer && !instruments && !channelOn) return NOOP_SCOPE;
    return new Attempt(config, start, tracer, instruments, channelOn);
  },
  recordRetry(reason: RetryReason, start: AttemptStart): void {
    const config = telemetryConfig();
    if (!config.enabled) return;
    const instruments = activeInstruments(config);
    if (!instruments) return;
    instruments.retries.add(1, {
      [N.ATTR_RETRY_REASON]: reason,
      [N.ATTR_URL_TEMPLATE]: start.template,
      [N.ATTR_HTTP_REQUEST_METHOD]: start.method.toUpperCase(),
    });
  },
};

/** Called by the querier per call; cheap. */
export function querierTelemetry(): QuerierTelemetry {
  return TELEMETRY;
}
