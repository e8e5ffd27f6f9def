// The example app as a server. One command (from the repository root):
//
//   node examples/tenant-header/server.mjs                                     no telemetry
//   node --import corelens/instrumentation examples/tenant-header/server.mjs   traces (OTLP) and metrics (Prometheus)
//
// With `--import corelens/instrumentation`, OpenTelemetry starts before the app
// (OTLP http/protobuf traces to OTEL_EXPORTER_OTLP_ENDPOINT, default
// http://localhost:4318; a Prometheus endpoint on OTEL_EXPORTER_PROMETHEUS_PORT,
// default 9464) and records every core call. The app's own HTTP server spans
// come from the HTTP and Express instrumentations registered below, before
// express is loaded (without an SDK they record nothing).
//
//   PORT                     app port (default 3001; 0 picks a free one)
//   CORELENS_CONNECTION_URI  use this core instead of starting the dev core in this process
//   CORELENS_API_KEY         its API key
//   TENANTS                  tenants to create, comma-separated (default "acme,globex")
//   TENANT_CORE_BASE_URLS    JSON {"tenant":"http://host:port/base"}: that tenant's core calls go there
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { ExpressInstrumentation, ExpressLayerType } from "@opentelemetry/instrumentation-express";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { startDevCore } from "corelens/devcore";
import { baseUrlsFromEnv } from "./tenant.mjs";

// The dev core runs in this process and records its own SERVER span per request,
// so its port is left out of the HTTP instrumentation (no second server span).
const ignoredPorts = new Set();
const prometheusPort = Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT) || 9464;
registerInstrumentations({
  instrumentations: [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => ignoredPorts.has(req.socket.localPort) || req.socket.localPort === prometheusPort,
    }),
    // Names the server span after the route ("POST /auth/signin"); no span per middleware.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER] }),
  ],
});

const { createApp, ensureTenants, initCorelens } = await import("./app.mjs");

let connectionURI = process.env.CORELENS_CONNECTION_URI;
if (!connectionURI) {
  const core = await startDevCore({ port: 0 });
  ignoredPorts.add(core.port);
  connectionURI = core.url;
}
initCorelens({ connectionURI, apiKey: process.env.CORELENS_API_KEY || undefined, baseUrls: baseUrlsFromEnv() });
const tenants = (process.env.TENANTS ?? "acme,globex").split(",").map((t) => t.trim()).filter(Boolean);
await ensureTenants(tenants);

const server = createApp().listen(Number(process.env.PORT ?? 3001), "127.0.0.1", () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  console.log(`example app listening on ${url} (core ${connectionURI}; tenants ${tenants.join(", ")})`);
  console.log(`some traffic: node examples/latency-dashboard/load.mjs --url ${url} --seconds 10`);
});
// SIGINT/SIGTERM: corelens/instrumentation flushes the spans still buffered, then the process ends.
