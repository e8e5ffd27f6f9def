/**
 * `corelens doctor`: health checks for each host of a connectionURI, with a plain-language
 * fix for each failure. The checks talk to each host directly (not through the querier's
 * host pool) so that one bad host is never hidden by failover to a good one.
 */
import { lookup } from "node:dns/promises";
import { Agent, request } from "undici";
import { parseConnectionURI } from "../config/connectionURI.js";
import type { CoreHost } from "../config/types.js";
import { SUPPORTED_CDI_VERSIONS, highestCommon } from "../querier/apiVersion.js";

export interface DoctorOptions {
  connectionURI: string;
  apiKey?: string;
  /** Round trips of GET /hello measured per host. */
  samples?: number;
  /** Connect and request timeout for each check, in milliseconds. */
  timeoutMs?: number;
}

export type CheckState = "ok" | "failed" | "skipped";

export interface HostReport {
  host: string;
  reachable: CheckState;
  hello: CheckState;
  version: CheckState;
  /** The CDI version corelens would use with this host. */
  cdiVersion?: string;
  /** What the core advertised in /apiversion. */
  coreVersions?: string[];
  apiKey: CheckState | "not required";
  latencyMs?: { p50: number; p95: number };
  /** One sentence per failure: what is wrong and what to do. */
  fixes: string[];
  healthy: boolean;
}

export async function diagnose(options: DoctorOptions): Promise<HostReport[]> {
  const hosts = parseConnectionURI(options.connectionURI);
  const timeoutMs = options.timeoutMs ?? 3000;
  const agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  try {
    const reports: HostReport[] = [];
    for (const host of hosts) reports.push(await diagnoseHost(host, options, agent, timeoutMs));
    return reports;
  } finally {
    await agent.close();
  }
}

async function diagnoseHost(host: CoreHost, options: DoctorOptions, agent: Agent, timeoutMs: number): Promise<HostReport> {
  const report: HostReport = {
    host: host.label,
    reachable: "skipped",
    hello: "skipped",
    version: "skipped",
    apiKey: "skipped",
    fixes: [],
    healthy: false,
  };
  const get = (path: string, withKey: boolean) =>
    request(host.origin + host.basePath + path, {
      method: "GET",
      dispatcher: agent,
      headers: withKey && options.apiKey ? { "api-key": options.apiKey } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });

  // 1. Reachable, and 2. /hello answers.
  try {
    const res = await get("/hello", false);
    const text = await res.body.text();
    report.reachable = "ok";
    if (res.statusCode === 200) report.hello = "ok";
    else {
      report.hello = "failed";
      report.fixes.push(helloFix(res.statusCode, text));
    }
  } catch (error) {
    report.reachable = "failed";
    report.fixes.push(await connectionFix(host, error, timeoutMs));
    return report;
  }

  // 3. A CDI version in common, and 4. the API key accepted (/apiversion checks the key).
  try {
    const res = await get("/apiversion", true);
    const text = await res.body.text();
    if (res.statusCode === 401) {
      report.apiKey = "failed";
      report.fixes.push(
        options.apiKey
          ? "the core rejected the API key (401). Pass the key the core is configured with (its api_keys setting) as --api-key, and as supertokens.apiKey in corelens.init."
          : "the core requires an API key (401). Pass it as --api-key, and as supertokens.apiKey in corelens.init.",
      );
    } else if (res.statusCode === 200) {
      report.apiKey = options.apiKey ? "ok" : "not required";
      const versions = parseVersions(text);
      report.coreVersions = versions;
      const common = highestCommon(SUPPORTED_CDI_VERSIONS, versions);
      if (common) {
        report.version = "ok";
        report.cdiVersion = common;
      } else {
        report.version = "failed";
        report.fixes.push(
          `no CDI version in common: the core speaks ${versions.join(", ") || "none"}, corelens speaks ${SUPPORTED_CDI_VERSIONS.join(", ")}. ` +
            "Upgrade (or downgrade) the core to one that supports one of corelens' versions.",
        );
      }
    } else {
      report.version = "failed";
      report.fixes.push(`GET /apiversion answered ${res.statusCode} (${oneLine(text)}). Is this a SuperTokens-compatible core, and is the base path in connectionURI right?`);
    }
  } catch (error) {
    report.version = "failed";
    report.fixes.push(`GET /apiversion failed: ${describeError(error)}.`);
  }

  // 5. Round-trip latency over a few calls of /hello.
  const samples = Math.max(1, options.samples ?? 5);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    try {
      const res = await get("/hello", false);
      await res.body.text();
      times.push(performance.now() - start);
    } catch {
      // Already reported above if it matters; a lost sample only narrows the statistics.
    }
  }
  if (times.length > 0) report.latencyMs = { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };

  report.healthy = report.fixes.length === 0;
  return report;
}

async function connectionFix(host: CoreHost, error: unknown, timeoutMs: number): Promise<string> {
  const url = new URL(host.origin);
  const code = errorCode(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return `the host name "${url.hostname}" does not resolve (${code}). Check its spelling, or use the core's IP address.`;
  }
  if (code === "ECONNREFUSED" && url.hostname === "localhost") {
    // The classic: localhost resolves to ::1 first while the core listens on IPv4 only.
    const addresses = await lookup("localhost", { all: true }).catch(() => []);
    if (addresses[0]?.family === 6 && (await answersOn(`${url.protocol}//127.0.0.1:${url.port || defaultPort(url)}${host.basePath}/hello`, timeoutMs))) {
      return `"localhost" resolves to ${addresses[0].address} (IPv6) but the core listens on IPv4 only. Use http://127.0.0.1:${url.port || defaultPort(url)} in connectionURI.`;
    }
  }
  if (code === "ECONNREFUSED") {
    return `nothing is listening on ${url.host} (connection refused). Start the core, or fix the host or port in connectionURI.`;
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "ABORT_ERR" || code === "TimeoutError") {
    return `${url.host} did not answer within ${timeoutMs} ms. Check that the core is up and that no firewall drops the traffic.`;
  }
  return `could not reach ${url.host}: ${describeError(error)}.`;
}

async function answersOn(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await request(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body.text();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

function helloFix(status: number, text: string): string {
  if (status === 404) return "GET /hello answered 404: the base path in connectionURI is probably wrong (an unknown app or tenant), or this is not a SuperTokens-compatible core.";
  return `GET /hello answered ${status} (${oneLine(text)}); the core is up but unhealthy. Check its logs.`;
}

function parseVersions(text: string): string[] {
  try {
    const versions = (JSON.parse(text) as { versions?: unknown }).versions;
    return Array.isArray(versions) ? versions.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // undici wraps socket errors; the code that tells what happened may sit on a cause.
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === "string") return code;
    if (name === "TimeoutError") return "TimeoutError";
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}

function defaultPort(url: URL): string {
  return url.protocol === "https:" ? "443" : "80";
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line || "empty body";
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return Number(sorted[Math.max(0, index)]!.toFixed(2));
}
