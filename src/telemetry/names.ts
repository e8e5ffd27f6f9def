/**
 * Every span, attribute and metric name corelens emits. These strings are a
 * public contract (documented in README.md, section "Telemetry"): dashboards and
 * alerts are built on them, so change none without a major version.
 */

/** Instrumentation scope name and version of corelens' tracer and meter. */
export const INSTRUMENTATION_NAME = "corelens";
export const INSTRUMENTATION_VERSION = "0.1.0";

/** The INTERNAL span around the user's network interceptor(s). */
export const SPAN_INTERCEPTOR = "corelens.interceptor";

/** diagnostics_channel TracingChannel for APMs that are not OpenTelemetry. */
export const CHANNEL_CORE_REQUEST = "corelens:core:request";

// Stable HTTP client semantic conventions.
export const ATTR_HTTP_REQUEST_METHOD = "http.request.method";
export const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = "http.request.method_original";
export const ATTR_HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";
export const ATTR_HTTP_REQUEST_RESEND_COUNT = "http.request.resend_count";
export const ATTR_SERVER_ADDRESS = "server.address";
export const ATTR_SERVER_PORT = "server.port";
export const ATTR_URL_FULL = "url.full";
export const ATTR_URL_TEMPLATE = "url.template";
export const ATTR_ERROR_TYPE = "error.type";
export const ATTR_NETWORK_PROTOCOL_VERSION = "network.protocol.version";
/** Opt-in, per allow-listed header: `http.request.header.<lower-case name>` (string[]). */
export const ATTR_HTTP_REQUEST_HEADER_PREFIX = "http.request.header.";
/** Opt-in (captureBody): the request body, redacted and truncated. */
export const ATTR_HTTP_REQUEST_BODY_CONTENT = "http.request.body.content";

// corelens' own.
export const ATTR_CDI_VERSION = "corelens.cdi_version";
export const ATTR_TENANT_ID = "corelens.tenant_id";
/** On the INTERNAL span of a public recipe function (recipeSpan.ts). */
export const ATTR_RECIPE = "corelens.recipe";
export const ATTR_FUNCTION = "corelens.function";
export const ATTR_RESULT_STATUS = "corelens.result.status";
export const ATTR_INTERCEPTOR_CHANGED = "corelens.interceptor.changed";
export const ATTR_ORIGINAL_METHOD = "corelens.request.original.method";
export const ATTR_ORIGINAL_URL = "corelens.request.original.url";
/** Opt-in (captureBody), only when the interceptor changed the body. */
export const ATTR_ORIGINAL_BODY_CONTENT = "corelens.request.original.body.content";
export const ATTR_HEADERS_ADDED = "corelens.interceptor.headers.added";
export const ATTR_HEADERS_REMOVED = "corelens.interceptor.headers.removed";
export const ATTR_HEADERS_MODIFIED = "corelens.interceptor.headers.modified";
export const ATTR_PARAMS_ADDED = "corelens.interceptor.params.added";
export const ATTR_PARAMS_REMOVED = "corelens.interceptor.params.removed";
export const ATTR_PARAMS_MODIFIED = "corelens.interceptor.params.modified";
export const ATTR_BODY_CHANGED = "corelens.interceptor.body.changed";
export const ATTR_RETRY_REASON = "corelens.retry.reason";

// Metrics.
export const METRIC_REQUEST_DURATION = "http.client.request.duration";
export const METRIC_ACTIVE_REQUESTS = "http.client.active_requests";
export const METRIC_INTERCEPTOR_DURATION = "corelens.interceptor.duration";
export const METRIC_CORE_RETRIES = "corelens.core.retries";

/** The semantic conventions' advice for http.client.request.duration, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
