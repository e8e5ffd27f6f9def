// One benchmark client, in its own process: makes the same core call `calls` times at a fixed
// concurrency after a warm-up, and prints one JSON line: CPU microseconds per call
// (process.cpuUsage, user + system), calls per second and peak RSS.
//
//   node bench/client.mjs <kind> <coreUrl> <calls> <warmup> <concurrency> [token | leakBaseline]
//
// Kinds: raw-undici, raw-undici-otel, supertokens-node, corelens, corelens-traced,
// corelens-leak (heap growth, run with --expose-gc), verify-supertokens-node, verify-corelens.
//
// Every metadata client sends the same request: GET /recipe/user/metadata?userId=bench-user
// with api-key, cdi-version, rid and the x-bench header the interceptor adds (raw undici
// sends that header itself). Profile one with: node --cpu-prof bench/client.mjs corelens-traced <stubUrl> 100000 5000 32
import { parseArgs } from "node:util";

const { positionals } = parseArgs({ allowPositionals: true });
const [kind, coreUrl, callsArg, warmupArg, concurrencyArg, token] = positionals;
const leakBaseline = kind === "corelens-leak" ? Number(token ?? 20_000) : 0;
const calls = Number(callsArg);
const warmup = Number(warmupArg);
const concurrency = Number(concurrencyArg);
const API_KEY = "bench-api-key-0123456789";
const addBenchHeader = (request) => {
  request.headers = { ...request.headers, "x-bench": "1" };
  return request;
};

async function makeClient() {
  switch (kind) {
    case "raw-undici": {
      const { Pool } = await import("undici");
      const pool = new Pool(coreUrl, { connections: concurrency });
      const headers = { "api-key": API_KEY, "cdi-version": "5.4", rid: "usermetadata", "x-bench": "1" };
      return async () => {
        const res = await pool.request({ method: "GET", path: "/recipe/user/metadata?userId=bench-user", headers });
        const body = await res.body.json();
        if (body.status !== "OK") throw new Error("bad answer");
      };
    }
    case "raw-undici-otel": {
      // Not a target row: raw undici plus, by hand, the OpenTelemetry work one traced corelens
      // call does (three spans, context switches, trace-context injection, two histogram
      // records), with the same SDK set-up. It is the least a fully traced call can cost.
      await registerOpenTelemetry();
      const { Pool } = await import("undici");
      const { trace, context, propagation, metrics, SpanKind, createContextKey } = await import("@opentelemetry/api");
      const pool = new Pool(coreUrl, { connections: concurrency });
      const tracer = trace.getTracer("bench-floor");
      const meter = metrics.getMeter("bench-floor");
      const duration = meter.createHistogram("bench.request.duration", { unit: "s" });
      const interceptorDuration = meter.createHistogram("bench.interceptor.duration", { unit: "s" });
      const SUPPRESS = createContextKey("OpenTelemetry SDK Context Key SUPPRESS_TRACING");
      const setter = { set: (carrier, key, value) => (carrier[key] = value) };
      const opAttrs = { "url.template": "/recipe/user/metadata", "http.request.method": "GET" };
      const port = Number(new URL(coreUrl).port);
      const metricAttrs = { ...opAttrs, "server.address": "127.0.0.1", "server.port": port, "http.response.status_code": 200 };
      const baseHeaders = { "api-key": API_KEY, "cdi-version": "5.4", rid: "usermetadata", "x-bench": "1" };
      const send = async (clientCtx) => {
        const headers = { ...baseHeaders };
        propagation.inject(clientCtx, headers, setter);
        const res = await context.with(clientCtx.setValue(SUPPRESS, true), () =>
          pool.request({ method: "GET", path: "/recipe/user/metadata?userId=bench-user", headers }),
        );
        return res.body.json();
      };
      const traced = async () => {
        const parent = context.active();
        const t0 = performance.now();
        const client = tracer.startSpan(
          "GET /recipe/user/metadata",
          {
            kind: SpanKind.CLIENT,
            attributes: { "http.request.method": "GET", "server.address": "127.0.0.1", "server.port": port, "url.template": "/recipe/user/metadata" },
          },
          parent,
        );
        const clientCtx = trace.setSpan(parent, client);
        const interceptor = tracer.startSpan("corelens.interceptor", { kind: SpanKind.INTERNAL }, clientCtx);
        context.with(trace.setSpan(clientCtx, interceptor), () => {});
        interceptor.end();
        interceptorDuration.record((performance.now() - t0) / 1000, opAttrs);
        client.setAttributes({ "url.full": `${coreUrl}/recipe/user/metadata?userId=bench-user`, "corelens.interceptor.changed": ["headers"] });
        const body = await send(clientCtx);
        client.setAttribute("http.response.status_code", 200);
        client.end();
        duration.record((performance.now() - t0) / 1000, metricAttrs);
        return body;
      };
      return async () => {
        const span = tracer.startSpan("usermetadata.getUserMetadata", { kind: SpanKind.INTERNAL, attributes: { "corelens.recipe": "usermetadata" } });
        const body = await context.with(trace.setSpan(context.active(), span), traced);
        span.setAttribute("corelens.result.status", body.status);
        span.end();
        if (body.status !== "OK") throw new Error("bad answer");
      };
    }
    case "supertokens-node":
      return metadataClient("supertokens-node", "supertokens-node/recipe/usermetadata/index.js");
    case "corelens":
      return metadataClient("corelens", "corelens/recipe/usermetadata");
    case "corelens-traced":
    case "corelens-leak":
      await registerOpenTelemetry();
      return metadataClient("corelens", "corelens/recipe/usermetadata");
    case "verify-supertokens-node":
      return verifyClient("supertokens-node", "supertokens-node/recipe/session/index.js");
    case "verify-corelens":
      return verifyClient("corelens", "corelens/recipe/session");
    default:
      throw new Error(`unknown client kind ${kind}`);
  }
}

const APP_INFO = { appName: "bench", apiDomain: "http://127.0.0.1:3001", websiteDomain: "http://127.0.0.1:3000" };

// supertokens-node and corelens run the very same code: corelens is a drop-in, only the
// import lines differ. That is what keeps the comparison fair.
async function metadataClient(sdkModule, recipeModule) {
  const { default: sdk } = await import(sdkModule);
  const { default: UserMetadata } = await import(recipeModule);
  sdk.init({
    supertokens: { connectionURI: coreUrl, apiKey: API_KEY, networkInterceptor: addBenchHeader },
    appInfo: APP_INFO,
    recipeList: [UserMetadata.init()],
  });
  return async () => {
    const r = await UserMetadata.getUserMetadata("bench-user");
    if (r.status !== "OK") throw new Error("bad answer");
  };
}

async function verifyClient(sdkModule, sessionModule) {
  const { default: sdk } = await import(sdkModule);
  const { default: Session } = await import(sessionModule);
  sdk.init({ supertokens: { connectionURI: coreUrl }, appInfo: APP_INFO, recipeList: [Session.init()] });
  return async () => {
    const s = await Session.getSessionWithoutRequestResponse(token, undefined, { antiCsrfCheck: false });
    if (!s.getUserId()) throw new Error("no user");
  };
}

// The full SDK a production app would run: batch span processing to an exporter that
// discards, a metric reader, W3C trace-context and baggage propagation.
async function registerOpenTelemetry() {
  const { NodeTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-node");
  const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = await import("@opentelemetry/sdk-metrics");
  const { W3CTraceContextPropagator, W3CBaggagePropagator, CompositePropagator } = await import("@opentelemetry/core");
  const { metrics } = await import("@opentelemetry/api");
  const discardSpans = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(discardSpans)] });
  provider.register({
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  const discardMetrics = {
    export: (_m, done) => done({ code: 0 }),
    shutdown: async () => {},
    forceFlush: async () => {},
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
  };
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: discardMetrics, exportIntervalMillis: 1000 })],
  });
  metrics.setGlobalMeterProvider(meterProvider);
}

async function drive(call, n) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function heapAfterGc() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

const call = await makeClient();
await drive(call, warmup);

if (kind === "corelens-leak") {
  // Heap after `leakBaseline` traced calls (20,000 in a full run) against the heap after `calls` (200,000).
  await drive(call, leakBaseline);
  const heapAtBaseline = heapAfterGc();
  await drive(call, calls - leakBaseline);
  const heapAtEnd = heapAfterGc();
  const line = {
    client: kind,
    calls,
    baselineCalls: leakBaseline,
    heapAtBaselineMB: heapAtBaseline / 2 ** 20,
    heapAtEndMB: heapAtEnd / 2 ** 20,
    growthMB: (heapAtEnd - heapAtBaseline) / 2 ** 20,
  };
  process.stdout.write(JSON.stringify(line) + "\n");
  process.exit(0);
}

const cpuBefore = process.cpuUsage();
const start = process.hrtime.bigint();
await drive(call, calls);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const line = {
  client: kind,
  calls,
  cpuMicrosPerCall: (cpu.user + cpu.system) / calls,
  callsPerSecond: calls / seconds,
  peakRssMB: process.resourceUsage().maxRSS / 1024,
};
process.stdout.write(JSON.stringify(line) + "\n");
process.exit(0);
