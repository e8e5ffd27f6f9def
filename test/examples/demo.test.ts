/**
 * `npm start` (examples/demo/main.mjs): the run prints a latency table and a
 * trace built from the recorded spans and metrics, shows the failover, and
 * exits 0; `--serve` stays up with traces over OTLP and metrics on Prometheus.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { refusedPort } from "../helpers/faults.js";
import { startOtlpReceiver, type OtlpReceiver } from "../telemetry/otlpReceiver.js";
import { repoRoot, requireDist, runScript } from "./helpers.js";

let receiver: OtlpReceiver;
beforeAll(async () => {
  requireDist();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

describe("npm start (the demo)", () => {
  it("runs the workload, prints the latency table and one trace from the OpenTelemetry data, and exits 0", async () => {
    const run = await runScript("examples/demo/main.mjs", ["--users", "3"], 60_000);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    // The workload's own check: every app answer was the expected one.
    expect(out).toMatch(/\d+ requests to the app: \d+× 200, \d+× 401/);
    expect(out).not.toMatch(/× 5\d\d/);

    // The table: one row per template the workload used, with numbers in every column.
    const row = (template: string) => new RegExp(`^${template.replace(/[/<>.]/g, (c) => `\\${c}`)}\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+(\\d+)\\s+(\\d+)$`, "m");
    for (const template of [
      "POST /<tenantId>/recipe/signup",
      "POST /<tenantId>/recipe/signin",
      "POST /<tenantId>/recipe/session",
      "POST /recipe/session/refresh",
      "POST /recipe/session/verify",
      "POST /recipe/session/remove",
      "GET /recipe/user/metadata",
      "PUT /recipe/user/metadata",
    ]) {
      expect(out, template).toMatch(row(template));
    }
    // 6 users (3 per tenant), one sign-up each.
    expect(Number(row("POST /<tenantId>/recipe/signup").exec(out)![1])).toBe(6);
    // Host A went down: some attempts were refused and retried on host B.
    const reasons = /retries by reason: connection_error=(\d+)/.exec(out);
    expect(Number(reasons?.[1])).toBeGreaterThan(0);
    const clientSpans = Number(/from (\d+) corelens CLIENT spans/.exec(out)![1]);
    expect(out).toContain(`http.client.request.duration holds ${clientSpans} measurements`);

    // The trace: app server span → recipe span → CLIENT spans (a refused one, then the retry) → dev core SERVER span.
    expect(out).toMatch(/it met host A down and failed over to host B/);
    expect(out).toMatch(/^POST \/auth\/\S+ {2}\[SERVER, @opentelemetry\/instrumentation-http\]/m);
    expect(out).toMatch(/└─ \S+\.\S+ {2}\[INTERNAL, corelens\]/);
    expect(out).toMatch(/\[CLIENT, corelens\] [\d.]+ ms {2}✗ ERROR/);
    expect(out).toContain("error.type=ECONNREFUSED");
    expect(out).toContain("http.request.resend_count=1");
    expect(out).toContain("corelens.interceptor.headers.added=[x-tenant-id]");
    expect(out).toMatch(/corelens\.interceptor {2}\[INTERNAL, corelens\]/);
    expect(out).toMatch(/\[SERVER, corelens-devcore\]/);
  }, 70_000);

  it("--serve stays up, exports traces over OTLP, serves Prometheus metrics, and stops on SIGTERM", async () => {
    const promPort = await refusedPort();
    const child = spawn(process.execPath, ["examples/demo/main.mjs", "--serve", "--users", "1"], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? "",
        PORT: "0",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_PROMETHEUS_PORT: String(promPort),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => (out.includes("● serving") ? resolve() : undefined);
        child.stdout.on("data", check);
        void exited.then(() => reject(new Error(`the demo exited before serving\n${out}\n${err}`)));
      });
      expect(out).toContain(`metrics     http://127.0.0.1:${promPort}/metrics`);
      expect(out).toContain(`OTLP http/protobuf to ${receiver.endpoint}`);
      const appUrl = /app {9}(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      // The app still answers.
      const signin = await fetch(`${appUrl}/auth/signin`, {
        method: "POST",
        headers: { "x-tenant-id": "acme", "content-type": "application/json" },
        body: JSON.stringify({ email: "user1@acme.example", password: "demo-password-acme-1" }),
      });
      expect(signin.status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${promPort}/metrics`)).text();
      expect(metrics).toMatch(/^http_client_request_duration_count\{.*url_template="\/<tenantId>\/recipe\/signin".*\} \d+/m);
      expect(metrics).toMatch(/^corelens_core_retries_total\{.*corelens_retry_reason="connection_error".*\} \d+/m);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    const names = new Set(receiver.spans.map((s) => s.name));
    expect(names).toContain("POST /auth/signin");
    expect(names).toContain("POST /<tenantId>/recipe/signin");
    expect(receiver.spans.some((s) => s.scope === "corelens-devcore")).toBe(true);
    expect(err).toBe("");
  }, 70_000);
});
