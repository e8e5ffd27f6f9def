// The demo's report, computed only from what OpenTelemetry recorded: the
// CLIENT spans corelens exported (one per request sent to a core host), the
// corelens.core.retries counter and the http.client.request.duration histogram.
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";

const ms = (hr) => hr[0] * 1e3 + hr[1] / 1e6;
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function metric(resourceMetrics, name) {
  for (const scope of resourceMetrics.scopeMetrics) {
    const found = scope.metrics.find((m) => m.descriptor.name === name);
    if (found) return found;
  }
  return undefined;
}

export function corelensClientSpans(spans) {
  return spans.filter((s) => s.kind === SpanKind.CLIENT && s.instrumentationScope.name === "corelens");
}

/** Rows per METHOD url.template: calls, p50/p95/p99 (ms), errors, retries. */
export function latencyRows(spans, resourceMetrics) {
  const rows = new Map();
  for (const span of corelensClientSpans(spans)) {
    const a = span.attributes;
    const key = `${a["http.request.method"]} ${a["url.template"]}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { key, method: a["http.request.method"], template: a["url.template"], durations: [], errors: 0, retries: 0 }));
    row.durations.push(ms(span.duration));
    if (span.status.code === SpanStatusCode.ERROR || a["error.type"] !== undefined) row.errors++;
  }
  const retries = metric(resourceMetrics, "corelens.core.retries");
  for (const point of retries?.dataPoints ?? []) {
    const key = `${point.attributes["http.request.method"]} ${point.attributes["url.template"]}`;
    const row = rows.get(key);
    if (row) row.retries += point.value;
  }
  return [...rows.values()]
    .map((row) => {
      const sorted = row.durations.sort((x, y) => x - y);
      return { ...row, calls: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
    })
    .sort((x, y) => y.calls - x.calls || x.key.localeCompare(y.key));
}

/** How many durations the histogram holds, to show it agrees with the spans. */
export function histogramCount(resourceMetrics) {
  const m = metric(resourceMetrics, "http.client.request.duration");
  return (m?.dataPoints ?? []).reduce((n, p) => n + p.value.count, 0);
}

export function retriesByReason(resourceMetrics) {
  const out = {};
  for (const p of metric(resourceMetrics, "corelens.core.retries")?.dataPoints ?? []) {
    const reason = p.attributes["corelens.retry.reason"];
    out[reason] = (out[reason] ?? 0) + p.value;
  }
  return out;
}

export function formatTable(rows) {
  const header = ["core call (url.template)", "calls", "p50 ms", "p95 ms", "p99 ms", "errors", "retries"];
  const body = rows.map((r) => [r.key, String(r.calls), fmt(r.p50), fmt(r.p95), fmt(r.p99), String(r.errors), String(r.retries)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

const KIND = { [SpanKind.SERVER]: "SERVER", [SpanKind.CLIENT]: "CLIENT", [SpanKind.INTERNAL]: "INTERNAL" };

/** The attributes worth reading for each kind of span, as "key=value" strings. */
function details(span) {
  const a = span.attributes;
  const pick = (...keys) => keys.filter((k) => a[k] !== undefined).map((k) => `${k}=${Array.isArray(a[k]) ? `[${a[k].join(",")}]` : a[k]}`);
  if (span.name === "corelens.interceptor") return [];
  if (span.instrumentationScope.name === "corelens" && span.kind === SpanKind.CLIENT) {
    return [
      ...pick("url.full", "http.response.status_code", "error.type", "http.request.resend_count"),
      ...pick("corelens.interceptor.changed", "corelens.interceptor.headers.added", "http.request.header.x-tenant-id", "corelens.request.original.url"),
    ];
  }
  if (span.instrumentationScope.name === "corelens") return pick("corelens.tenant_id", "corelens.result.status");
  if (span.instrumentationScope.name === "corelens-devcore") return pick("server.port", "http.response.status_code");
  return pick("http.route", "http.response.status_code");
}

/** One trace as an indented tree, each span with its duration, scope and key attributes. */
export function formatTree(spans, traceId) {
  const inTrace = spans.filter((s) => s.spanContext().traceId === traceId).sort((x, y) => ms(x.startTime) - ms(y.startTime));
  const ids = new Set(inTrace.map((s) => s.spanContext().spanId));
  const children = new Map();
  const roots = [];
  for (const s of inTrace) {
    const parent = s.parentSpanContext?.spanId;
    if (parent && ids.has(parent)) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(s);
    } else roots.push(s);
  }
  const lines = [];
  const walk = (span, prefix, last, isRoot) => {
    const branch = isRoot ? "" : last ? "└─ " : "├─ ";
    const status = span.status.code === SpanStatusCode.ERROR ? "  ✗ ERROR" : "";
    lines.push(`${prefix}${branch}${span.name}  [${KIND[span.kind]}, ${span.instrumentationScope.name}] ${fmt(ms(span.duration))} ms${status}`);
    const childPrefix = prefix + (isRoot ? "" : last ? "   " : "│  ");
    const kids = children.get(span.spanContext().spanId) ?? [];
    for (const d of details(span)) lines.push(`${childPrefix}${kids.length ? "│" : " "}    ${d}`);
    kids.forEach((k, i) => walk(k, childPrefix, i === kids.length - 1, false));
  };
  roots.forEach((r) => walk(r, "", true, true));
  return lines.join("\n");
}

/**
 * The trace to show: an app request that failed over (a refused attempt, then
 * the retry on the other host), a successful one if there is; else a
 * successful sign-in.
 */
export function pickTrace(spans) {
  const client = corelensClientSpans(spans);
  const rootOf = (c, mustSucceed) => {
    const traceId = c.spanContext().traceId;
    const root = spans.find((s) => s.spanContext().traceId === traceId && s.kind === SpanKind.SERVER && !s.parentSpanContext);
    if (!root || (mustSucceed && root.attributes["http.response.status_code"] !== 200)) return undefined;
    return { traceId, root };
  };
  const retried = client.filter((s) => Number(s.attributes["http.request.resend_count"] ?? 0) > 0);
  const signins = client.filter((s) => s.attributes["url.template"] === "/<tenantId>/recipe/signin");
  for (const [candidates, mustSucceed, failover] of [[retried, true, true], [retried, false, true], [signins, true, false]]) {
    for (const c of candidates) {
      const found = rootOf(c, mustSucceed);
      if (found) return { ...found, failover };
    }
  }
  return undefined;
}
