/**
 * The diagnostics_channel TracingChannel `corelens:core:request`, for monitoring
 * tools that are not OpenTelemetry (the dd-trace / Prisma pattern). Messages are
 * built only when someone subscribed.
 *
 * One message object per attempt goes to every event, so subscribers can key
 * their own state on it:
 *   start  when the request (after the interceptor) is about to be sent
 *   error  when the attempt failed without a response (message.error set)
 *   end    when the attempt is over (message.statusCode set when a response arrived)
 */
import { tracingChannel } from "node:diagnostics_channel";
import { CHANNEL_CORE_REQUEST } from "./names.js";

export interface CoreRequestMessage {
  /** CDI path template, e.g. "/<tenantId>/recipe/signup". */
  template: string;
  /** The request as sent, after the interceptor; secrets (api-key, authorization, cookies, secret-like query values) redacted. */
  request: { method: string; url: string; headers: Record<string, string> };
  /** 0 for a first attempt, then +1 per retry or failover. */
  resendCount: number;
  tenantId?: string;
  statusCode?: number;
  error?: unknown;
  errorType?: string;
}

export const coreRequestChannel = tracingChannel<CoreRequestMessage, CoreRequestMessage>(CHANNEL_CORE_REQUEST);

/** Whether any subscriber listens to any of the channel's events. */
export function channelHasSubscribers(): boolean {
  const c = coreRequestChannel as typeof coreRequestChannel & { hasSubscribers?: boolean };
  if (typeof c.hasSubscribers === "boolean") return c.hasSubscribers;
  return (
    c.start.hasSubscribers ||
    c.end.hasSubscribers ||
    c.asyncStart.hasSubscribers ||
    c.asyncEnd.hasSubscribers ||
    c.error.hasSubscribers
  );
}
