/**
 * examples/latency-dashboard: a real Prometheus (Debian's `prometheus` package,
 * installed by .ci/run) scrapes the example app while the load script runs,
 * and answers the p95-by-url_template query for every template the load
 * exercised. Every query of the Grafana dashboard is run against it too, and
 * every metric name it uses is one the app's /metrics really serves.
 *
 * The app's connectionURI lists a dead host before the dev core, so the
 * retries and error panels have data (ECONNREFUSED, then failover).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevCore, type DevCore } from "../../src/devcore/index.js";
import { refusedPort } from "../helpers/faults.js";
import { repoRoot, runScript, startExample, type RunningExample } from "./helpers.js";

const EXERCISED = [
  "/<tenantId>/recipe/signup",
  "/<tenantId>/recipe/signin",
  "/<tenantId>/recipe/session",
  "/recipe/session/refresh",
  "/recipe/session/verify",
  "/recipe/session/remove",
  "/recipe/user/metadata",
];

let core: DevCore;
let app: RunningExample | undefined;
let prometheus: ChildProcess | undefined;
let prometheusLog = "";
let promUrl = "";
let metricsPort = 0;
const dir = mkdtempSync(join(tmpdir(), "corelens-prom-"));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value (bounded). */
async function eventually<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(500);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms (${String(last ?? "no value")})\nprometheus log:\n${prometheusLog.slice(-2000)}`);
}

interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(expr: string): Promise<PromSample[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: PromSample[] } };
  if (body.status !== "success") throw new Error(`PromQL error for ${expr}: ${body.error}`);
  return body.data!.result;
}

beforeAll(async () => {
  const which = spawnSync("prometheus", ["--version"], { encoding: "utf8" });
  if (which.error) throw new Error("the `prometheus` binary is missing: apt-get install -y prometheus (.ci/run installs it)");

  core = await startDevCore({ port: 0 });
  const deadHost = `http://127.0.0.1:${await refusedPort()}`;
  metricsPort = await refusedPort();
  app = await startExample("examples/latency-dashboard/server.mjs", {
    CORELENS_CONNECTION_URI: `${deadHost};${core.url}`,
    OTEL_TRACES_EXPORTER: "none",
    OTEL_EXPORTER_PROMETHEUS_HOST: "127.0.0.1",
    OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
  }, ["--import", "corelens/instrumentation"]);

  // The example's prometheus.yml, pointed at this run's metrics port and scraping every second.
  const config = readFileSync(join(repoRoot, "examples/latency-dashboard/prometheus.yml"), "utf8")
    .replace(/scrape_interval: \S+/, "scrape_interval: 1s")
    .replace("127.0.0.1:9464", `127.0.0.1:${metricsPort}`);
  expect(config).toContain(`127.0.0.1:${metricsPort}`);
  writeFileSync(join(dir, "prometheus.yml"), config);
  const promPort = await refusedPort();
  promUrl = `http://127.0.0.1:${promPort}`;
  prometheus = spawn(
    "prometheus",
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${promPort}`, "--log.level=warn"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  prometheus.stdout!.on("data", (d: Buffer) => (prometheusLog += d));
  prometheus.stderr!.on("data", (d: Buffer) => (prometheusLog += d));
  await eventually("prometheus ready", 20_000, async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
}, 60_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus!.once("exit", r));
    prometheus.kill("SIGTERM");
    const killer = setTimeout(() => prometheus!.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  }
  await app?.stop();
  await core?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("examples/latency-dashboard", () => {
  it("Prometheus scrapes the app under load and answers p95 per url_template; every dashboard query has data", async () => {
    const load = await runScript("examples/latency-dashboard/load.mjs", ["--url", app!.url, "--seconds", "6", "--concurrency", "2"]);
    expect(load.stderr).toBe("");
    expect(load.code).toBe(0);
    expect(load.stdout).toMatch(/done: [1-9]\d* journeys/);

    // The query from the issue, as the dashboard's p95 panel asks it.
    const p95 = 'histogram_quantile(0.95, sum by (le, url_template) (rate(http_client_request_duration_bucket[1m])))';
    const samples = await eventually("p95 for every exercised template", 30_000, async () => {
      const result = await query(p95);
      const templates = new Set(result.filter((s) => Number.isFinite(Number(s.value[1]))).map((s) => s.metric.url_template));
      return EXERCISED.every((t) => templates.has(t)) ? result : undefined;
    });
    for (const template of EXERCISED) {
      const v = Number(samples.find((s) => s.metric.url_template === template)!.value[1]);
      expect(v, template).toBeGreaterThan(0);
      expect(v, template).toBeLessThan(10); // seconds: inside the histogram's buckets
    }

    // The dashboard: every query runs and returns data for what the load did.
    const dashboard = JSON.parse(readFileSync(join(repoRoot, "examples/latency-dashboard/grafana-dashboard.json"), "utf8"));
    const exprs: string[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(8);
    for (const expr of exprs) {
      const runnable = expr.replaceAll("$__rate_interval", "1m");
      const result = await eventually(`data for ${expr}`, 15_000, async () => {
        const r = await query(runnable);
        return r.some((s) => Number.isFinite(Number(s.value[1]))) ? r : undefined;
      });
      expect(result.length, expr).toBeGreaterThan(0);
    }
    const retries = await query('sum by (corelens_retry_reason) (increase(corelens_core_retries_total[5m]))');
    expect(retries.map((s) => s.metric.corelens_retry_reason)).toContain("connection_error");
    const errors = await query('sum by (error_type) (http_client_request_duration_count{error_type!=""})');
    expect(errors.map((s) => s.metric.error_type)).toContain("ECONNREFUSED");

    // Every metric name the dashboard uses is one the app serves.
    const exposition = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const served = new Set(exposition.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0]!));
    const used = new Set<string>();
    const NOT_METRICS = new Set(["histogram_quantile", "sum", "rate", "scalar", "by", "without", "increase", "avg", "max", "min"]);
    for (const expr of exprs) {
      const bare = expr
        .replace(/\{[^}]*\}/g, "") // label matchers
        .replace(/\b(by|without)\s*\([^)]*\)/g, "") // grouping labels
        .replace(/\[[^\]]*\]/g, ""); // range selectors
      for (const name of bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []) if (!NOT_METRICS.has(name)) used.add(name);
    }
    expect([...used].sort()).toEqual([
      "corelens_core_retries_total",
      "corelens_interceptor_duration_bucket",
      "corelens_interceptor_duration_count",
      "corelens_interceptor_duration_sum",
      "http_client_active_requests",
      "http_client_request_duration_bucket",
      "http_client_request_duration_count",
    ]);
    for (const name of used) expect(served.has(name), `${name} is not served by the app`).toBe(true);
  }, 90_000);
});
