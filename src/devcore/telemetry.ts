/**
 * One OpenTelemetry SERVER span per request, child of the caller's trace
 * (W3C traceparent extracted with the globally registered propagator), so a
 * trace shows the SDK's CLIENT span and the dev core's handling end to end.
 * Only @opentelemetry/api is used: with no SDK registered, all of this is a no-op.
 * Attributes carry the route template and path, never query values or bodies.
 */
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import type { IncomingHttpHeaders } from "node:http";

const tracer = () => trace.getTracer("corelens-devcore");

export interface RequestSpanStart {
  method: string;
  /** e.g. "/<tenantId>/recipe/signup"; undefined when no route matched. */
  template: string | undefined;
  path: string;
  headers: IncomingHttpHeaders;
  serverAddress: string;
  serverPort: number;
}

export function startRequestSpan(start: RequestSpanStart): Span {
  const parent = propagation.extract(ROOT_CONTEXT, start.headers);
  const attributes: Record<string, string | number> = {
    "http.request.method": start.method,
    "url.path": start.path,
    "url.scheme": "http",
    "server.address": start.serverAddress,
    "server.port": start.serverPort,
  };
  if (start.template !== undefined) attributes["http.route"] = start.template;
  const name = start.template === undefined ? start.method : `${start.method} ${start.template}`;
  return tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
}

export function endRequestSpan(span: Span, statusCode: number): void {
  span.setAttribute("http.response.status_code", statusCode);
  if (statusCode >= 500) {
    span.setAttribute("error.type", String(statusCode));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
