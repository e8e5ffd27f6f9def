/**
 * `node --import corelens/instrumentation app.mjs` in a child process (from the
 * built dist/, so `npm run build` first; `npm test` does), exporting over
 * OTLP/HTTP protobuf to a local receiver that decodes the payload.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startCoreServer, type CoreServer } from "../helpers/coreServer.js";
import { refusedPort } from "../helpers/faults.js";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlpReceiver.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const app = fileURLToPath(new URL("./fixtures/app.mjs", import.meta.url));

let core: CoreServer;
let receiver: OtlpReceiver;

beforeAll(async () => {
  if (!existsSync(`${repoRoot}dist/instrumentation/index.js`)) {
    throw new Error("dist/instrumentation/index.js is missing: run `npm run build` first (npm test does)");
  }
  core = await startCoreServer();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await core?.close();
  await receiver?.close();
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the app under the bootstrap; `onStdout` may signal it. Bounded: killed after 20 s. */
function runApp(env: Record<string, string>, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "corelens/instrumentation", app], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", OTEL_METRICS_EXPORTER: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d;
      onStdout?.(stdout, child);
    });
    child.stderr!.on("data", (d: Buffer) => (stderr += d));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function freshSpans(before: number): ReceivedSpan[] {
  return receiver.spans.slice(before);
}

describe("the instrumentation bootstrap", () => {
  it("exports the core CLIENT spans over OTLP http/protobuf, serves Prometheus metrics, flushes on normal exit", async () => {
    const promPort = await refusedPort();
    const before = receiver.spans.length;
    core.requests.length = 0;
    const run = await runApp({
      CORE_URL: core.origin,
      PROM_PORT: String(promPort),
      OTEL_EXPORTER_PROMETHEUS_PORT: String(promPort),
      OTEL_EXPORTER_PROMETHEUS_HOST: "127.0.0.1",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: "bootstrap-test-app",
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("DONE");
    // Metrics: the Prometheus endpoint has the core call's duration histogram.
    expect(run.stdout).toMatch(/PROMETHEUS http_client_request_duration_count\{.*http_request_method="POST".*\} 1/);

    expect(receiver.contentTypes.every((t) => t === "application/x-protobuf")).toBe(true);
    const spans = freshSpans(before);
    const signup = spans.filter((s) => s.name === "POST /<tenantId>/recipe/signup");
    expect(signup).toHaveLength(1);
    const client = signup[0]!;
    expect(client.scope).toBe("corelens");
    expect(client.kind).toBe(3);
    expect(client.resource["service.name"]).toBe("bootstrap-test-app");
    expect(client.attributes).toMatchObject({
      "http.request.method": "POST",
      "url.template": "/<tenantId>/recipe/signup",
      "url.full": `${core.origin}/public/recipe/signup`,
      "server.port": core.port,
      "http.response.status_code": 200,
      "corelens.tenant_id": "public",
      "corelens.interceptor.changed": ["headers"],
      "corelens.interceptor.headers.added": ["x-tenant"],
    });
    const inter = spans.find((s) => s.name === "corelens.interceptor")!;
    expect(inter.parentSpanId).toBe(client.spanId);

    // Exactly one traceparent reached the core, naming the exported span; the app's own call got the undici span.
    const coreCall = core.requests.find((r) => r.path.endsWith("/recipe/signup"))!;
    expect(coreCall.headers.traceparent).toBe(`00-${client.traceId}-${client.spanId}-01`);
    const own = core.requests.find((r) => r.path === "/not-a-core-call")!;
    const undiciSpan = spans.find((s) => s.scope === "@opentelemetry/instrumentation-undici" && s.attributes["url.full"] === `${core.origin}/not-a-core-call`)!;
    expect(own.headers.traceparent).toBe(`00-${undiciSpan.traceId}-${undiciSpan.spanId}-01`);
    expect(spans.filter((s) => s.kind === 3 && String(s.attributes["url.full"]).includes("/recipe/signup"))).toHaveLength(1);
    // Nothing exported holds the API key or the password.
    const dump = JSON.stringify(spans);
    expect(dump).not.toContain("bootstrap-api-key-0123456789");
    expect(dump).not.toContain("bootstrap-pw");
  });

  it.each(["SIGTERM", "SIGINT"] as const)("flushes on %s, then lets the signal end the process", async (signal) => {
    const before = receiver.spans.length;
    let signalled = false;
    const run = await runApp(
      {
        CORE_URL: core.origin,
        APP_MODE: "wait-for-signal",
        OTEL_METRICS_EXPORTER: "none",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      },
      (out, child) => {
        if (!signalled && out.includes("READY")) {
          signalled = true;
          child.kill(signal);
        }
      },
    );
    expect(signalled).toBe(true);
    expect(run.signal).toBe(signal);
    expect(freshSpans(before).map((s) => s.name)).toContain("POST /<tenantId>/recipe/signup");
  });

  it("OTEL_SDK_DISABLED=true starts nothing: the app runs, nothing is exported or propagated", async () => {
    const before = receiver.spans.length;
    core.requests.length = 0;
    const run = await runApp({
      CORE_URL: core.origin,
      OTEL_SDK_DISABLED: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("DONE");
    expect(freshSpans(before)).toEqual([]);
    expect(core.requests.find((r) => r.path.endsWith("/recipe/signup"))!.headers.traceparent).toBeUndefined();
  });
  it("OTEL_TRACES_EXPORTER=console prints the spans instead of exporting them", async () => {
    const before = receiver.spans.length;
    const run = await runApp({
      CORE_URL: core.origin,
      OTEL_TRACES_EXPORTER: "console",
      OTEL_METRICS_EXPORTER: "none",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("name: 'POST /<tenantId>/recipe/signup'");
    expect(run.stdout).toContain("'corelens.interceptor.changed': [ 'headers' ]");
    expect(freshSpans(before)).toEqual([]);
  });
});
