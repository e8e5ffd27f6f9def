// `npm start`: the corelens demo, on the embedded dev core.
//
//   npm start               run a short workload, print what OpenTelemetry recorded, exit
//   npm start -- --serve    the same, then stay up: traces to OTLP, metrics on a Prometheus endpoint
//
// What runs, all in this process: the dev core; a TCP proxy in front of it
// that plays a second core host (same data) and goes down half-way; the
// example Express app from examples/tenant-header (corelens with the
// tenant-header interceptor); and a client that drives the app over HTTP.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { startDevCore } from "corelens/devcore";
import { startTcpProxy } from "./proxy.mjs";
import { corelensClientSpans, formatTable, formatTree, histogramCount, latencyRows, pickTrace, retriesByReason } from "./report.mjs";
import { startTelemetry } from "./telemetry.mjs";
import { createClient, runPhase, signInJourney, signUpJourney, usersFor } from "./workload.mjs";

const HELP = `Usage: npm start -- [--serve] [--users N]

  (no option)   run the demo workload, print the latency table and one trace, exit
  --serve       then keep the app and the dev core up, export traces over OTLP
                (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318) and serve
                Prometheus metrics (OTEL_EXPORTER_PROMETHEUS_PORT, default 9464); PORT sets
                the app's port (default 3001)
  --users N     users per tenant (default 6)
`;

const { values: args } = parseArgs({
  options: { serve: { type: "boolean", default: false }, users: { type: "string", default: "6" }, help: { type: "boolean", short: "h" } },
});
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const usersPerTenant = Number(args.users);
if (!Number.isInteger(usersPerTenant) || usersPerTenant < 1 || usersPerTenant > 200) {
  process.stderr.write("--users must be a whole number from 1 to 200\n");
  process.exit(2);
}

const TENANTS = ["acme", "globex"];
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
const say = (line = "") => process.stdout.write(`${line}\n`);

function progressBar(label) {
  const tty = process.stdout.isTTY;
  return (done, total) => {
    const width = 24;
    const filled = Math.round((done / total) * width);
    const text = `  ${label.padEnd(34)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
    if (tty) process.stdout.write(`\r${text}${done === total ? `  (${elapsed()})\n` : ""}`);
    else if (done === 0 || done === total) say(`${text}${done === total ? `  (${elapsed()})` : ""}`);
  };
}

say("corelens demo: the dev core, an Express app using corelens, and real traffic\n");

// 1. The core hosts: the dev core, and a proxy in front of it as a second host.
const apiKey = `demo-key-${randomUUID()}`;
const core = await startDevCore({ port: 0, apiKeys: [apiKey] });
const proxy = await startTcpProxy(core.port);
const connectionURI = `${proxy.url};${core.url}`;
say(`● dev core on ${core.url} (storage: ${core.storage}); host A = proxy ${proxy.url} → dev core, host B = ${core.url}`);

// 2. OpenTelemetry before the app loads (express is patched when it is required).
const telemetry = startTelemetry({ serve: args.serve, ignoredPorts: new Set([core.port]) });
const { createApp, ensureTenants, initCorelens } = await import("../tenant-header/app.mjs");
initCorelens({ connectionURI, apiKey });
await ensureTenants(TENANTS);
const server = await new Promise((resolve, reject) => {
  const s = createApp().listen(args.serve ? Number(process.env.PORT ?? 3001) : 0, "127.0.0.1", () => resolve(s));
  s.once("error", reject);
});
const appUrl = `http://127.0.0.1:${server.address().port}`;
say(`● example app on ${appUrl}: corelens with connectionURI "host A;host B" and the tenant-header interceptor; tenants ${TENANTS.join(", ")}`);

// 3. Traffic: new users while both hosts are up, then host A goes down and returning users sign in.
const client = createClient(appUrl);
const users = usersFor(TENANTS, usersPerTenant);
say(`\n● workload: ${users.length} users in ${TENANTS.length} tenants, 4 at a time`);
await runPhase(users, (u) => signUpJourney(client, u.tenantId, u.email, u.password), { progress: progressBar("sign-ups (both hosts up)") });
await proxy.stop();
say(`  ✗ host A (${proxy.url}) is down from now on`);
await new Promise((r) => setTimeout(r, 100)); // let the pool notice its closed connections
await runPhase(users, (u, i) => signInJourney(client, u.tenantId, u.email, u.password, i % 3 === 0), { progress: progressBar("sign-ins (host A down)") });
const appRequests = [...client.statuses.values()].reduce((a, b) => a + b, 0);
const byStatus = {};
for (const [key, n] of client.statuses) byStatus[key.split(" ").pop()] = (byStatus[key.split(" ").pop()] ?? 0) + n;
say(`  ${appRequests} requests to the app: ${Object.entries(byStatus).map(([s, n]) => `${n}× ${s}`).join(", ")} (the 401s are the wrong passwords and refreshes after sign-out, on purpose)`);

// 4. The report, from the spans and metrics OpenTelemetry recorded.
const spans = telemetry.spans.getFinishedSpans();
const resourceMetrics = await telemetry.collectMetrics();
const rows = latencyRows(spans, resourceMetrics);
const clientSpans = corelensClientSpans(spans).length;
say(`\n● core calls, from ${clientSpans} corelens CLIENT spans (one per request sent to a host) and the corelens.core.retries counter`);
say(formatTable(rows));
const reasons = retriesByReason(resourceMetrics);
say(
  `  retries by reason: ${Object.entries(reasons).map(([r, n]) => `${r}=${n}`).join(", ") || "none"}; ` +
    `http.client.request.duration holds ${histogramCount(resourceMetrics)} measurements (one per CLIENT span)`,
);

const picked = pickTrace(spans);
if (picked) {
  say(`\n● one request, ${picked.root.name}, as a trace (${picked.failover ? "it met host A down and failed over to host B" : "app span down to the dev core"}):`);
  say(formatTree(spans, picked.traceId));
} else {
  say("\n(no complete trace found to show)");
}
say(`\ndone in ${elapsed()}`);

if (!args.serve) {
  server.close();
  server.closeAllConnections();
  const corelens = await import("corelens");
  await corelens.close();
  await core.close();
  await telemetry.shutdown();
  process.exit(0);
}

say(`
● serving (Ctrl-C to stop)
  app         ${appUrl}   (routes: POST /auth/signup /auth/signin /auth/refresh /auth/signout, GET /me, PUT /me/metadata; header x-tenant-id)
  try         curl -s -H 'x-tenant-id: acme' -H 'content-type: application/json' -d '{"email":"user1@acme.example","password":"demo-password-acme-1"}' ${appUrl}/auth/signin
  dev core    ${core.url}   (host A, the proxy, stays down: corelens tries it again only when its cooldown, 1 s doubling up to 30 s, runs out)
  traces      OTLP http/protobuf to ${telemetry.otlpEndpoint}; with Jaeger (docker compose -f examples/jaeger/docker-compose.yml up -d) open http://localhost:16686, service "corelens-demo"
  metrics     ${telemetry.prometheusUrl}   (Prometheus config and a Grafana dashboard: examples/latency-dashboard)`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    server.close();
    server.closeAllConnections();
    const corelens = await import("corelens");
    await Promise.allSettled([corelens.close().then(() => core.close()), telemetry.shutdown()]);
    process.exit(0);
  });
}
