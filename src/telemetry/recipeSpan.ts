/**
 * The INTERNAL span around each public recipe function ("session.getSessionWithoutRequestResponse").
 *
 * The span is started active so that the querier's CLIENT spans for the same
 * call nest under it. Only @opentelemetry/api is used: with no SDK registered
 * (or telemetry disabled) no span is started and no context is switched, so an
 * untraced app pays for two identity checks.
 *
 * The tracer is the one the querier's CLIENT spans use (same provider, same
 * enable/disable switch), found with the same cheap identity checks.
 *
 * Attributes never carry user ids, emails or tokens: only the recipe, the
 * function, the tenant and the result status.
 */
import { context, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { telemetryConfig } from "./config.js";
import { ATTR_FUNCTION, ATTR_RECIPE, ATTR_RESULT_STATUS, ATTR_TENANT_ID } from "./names.js";
import { activeTracer } from "./providers.js";

/** What a recipe function can add to its span while it runs (a no-op when nothing records). */
export interface RecipeSpan {
  /** Set when the tenant is only known mid-way, e.g. from a verified token's `tId`. */
  setTenantId(tenantId: string | undefined): void;
  /** The outcome of a function whose result is not an object with `status` (e.g. "OK", "UNAUTHORISED"). */
  setResultStatus(status: string): void;
}

const NOOP_RECIPE_SPAN: RecipeSpan = { setTenantId: () => {}, setResultStatus: () => {} };

class LiveRecipeSpan implements RecipeSpan {
  constructor(private readonly span: Span) {}
  setTenantId(tenantId: string | undefined): void {
    if (tenantId !== undefined) this.span.setAttribute(ATTR_TENANT_ID, tenantId);
  }
  setResultStatus(status: string): void {
    this.span.setAttribute(ATTR_RESULT_STATUS, status);
  }
}

function statusOf(result: unknown): string | undefined {
  if (result !== null && typeof result === "object" && "status" in result) {
    const status = (result as { status: unknown }).status;
    if (typeof status === "string") return status;
  }
  return undefined;
}

/** A low-cardinality name for an error: a recipe error's `type`, else a code, else the class name. */
function errorTypeOf(err: unknown): string {
  if (err !== null && typeof err === "object") {
    const e = err as { type?: unknown; code?: unknown; name?: unknown };
    if (typeof e.type === "string") return e.type;
    if (typeof e.code === "string") return e.code;
    if (typeof e.name === "string") return e.name;
  }
  return "Error";
}

/**
 * Runs `run` inside the INTERNAL span `<recipe>.<fn>`. A result with a string
 * `status` is recorded as corelens.result.status; a thrown error sets the span
 * status to ERROR with error.type (and, for recipe errors, corelens.result.status
 * = the error type, e.g. TRY_REFRESH_TOKEN) and is rethrown unchanged.
 */
export function withRecipeSpan<T>(
  recipe: string,
  fn: string,
  tenantId: string | undefined,
  run: (span: RecipeSpan) => Promise<T>,
): Promise<T> {
  const config = telemetryConfig();
  const tracer = config.enabled ? activeTracer(config) : undefined;
  if (tracer === undefined) {
    // No SDK, or telemetry switched off: nothing to record and no context worth propagating.
    try {
      return run(NOOP_RECIPE_SPAN);
    } catch (err) {
      // A bad argument found before the first await still rejects rather than throws.
      return Promise.reject(err);
    }
  }
  const attributes: Record<string, string> = { [ATTR_RECIPE]: recipe, [ATTR_FUNCTION]: fn };
  if (tenantId !== undefined) attributes[ATTR_TENANT_ID] = tenantId;
  // Attributes at start, so samplers see them.
  const span = tracer.startSpan(`${recipe}.${fn}`, { kind: SpanKind.INTERNAL, attributes });
  const handle = new LiveRecipeSpan(span);
  // Promise callbacks rather than an async function: one promise fewer per call, and
  // each one costs more under an async-hooks context manager.
  let pending: Promise<T>;
  try {
    pending = context.with(trace.setSpan(context.active(), span), run, undefined, handle);
  } catch (err) {
    failed(span, err);
    return Promise.reject(err);
  }
  return Promise.resolve(pending).then(
    (result) => {
      const status = statusOf(result);
      if (status !== undefined) span.setAttribute(ATTR_RESULT_STATUS, status);
      span.end();
      return result;
    },
    (err: unknown) => {
      failed(span, err);
      throw err;
    },
  );
}

/** Marks the span as failed with the error's type (never its message: core messages may echo input) and ends it. */
function failed(span: Span, err: unknown): void {
  const type = errorTypeOf(err);
  span.setAttribute("error.type", type);
  if (err !== null && typeof err === "object" && typeof (err as { type?: unknown }).type === "string") {
    span.setAttribute(ATTR_RESULT_STATUS, type);
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  span.end();
}
