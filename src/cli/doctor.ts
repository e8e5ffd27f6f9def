/**
 * `corelens doctor --connection-uri URI [--api-key KEY] [--samples N] [--timeout-ms MS] [--json]`
 * Prints a table of each host's health and a fix for each failure. Exit code 0 only when
 * every host is healthy. The API key is never printed.
 */
import { parseArgs } from "node:util";
import { diagnose, type HostReport } from "../doctor/checks.js";
import { wholeNumber } from "./args.js";

const USAGE = "usage: corelens doctor --connection-uri URI [--api-key KEY] [--samples N] [--timeout-ms MS] [--json]";

export async function runDoctor(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  let values;
  let samples: number;
  let timeoutMs: number;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "connection-uri": { type: "string" },
        "api-key": { type: "string" },
        samples: { type: "string", default: "5" },
        "timeout-ms": { type: "string", default: "3000" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
    samples = wholeNumber("samples", values.samples)!;
    timeoutMs = wholeNumber("timeout-ms", values["timeout-ms"])!;
    if (timeoutMs === 0) throw new Error("--timeout-ms must be at least 1");
  } catch (error) {
    out(`corelens doctor: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const connectionURI = values["connection-uri"] ?? process.env.CORELENS_CONNECTION_URI;
  if (!connectionURI) {
    out(`corelens doctor: --connection-uri is required\n${USAGE}`);
    return 2;
  }
  let reports: HostReport[];
  try {
    reports = await diagnose({
      connectionURI,
      apiKey: values["api-key"] ?? process.env.CORELENS_API_KEY,
      samples,
      timeoutMs,
    });
  } catch (error) {
    out(`corelens doctor: ${(error as Error).message}`);
    return 2;
  }
  if (values.json) out(JSON.stringify(reports, null, 2));
  else for (const line of formatReports(reports)) out(line);
  return reports.every((r) => r.healthy) ? 0 : 1;
}

export function formatReports(reports: HostReport[]): string[] {
  const header = ["HOST", "REACHABLE", "HELLO", "CDI", "API KEY", "P50", "P95", "STATUS"];
  const rows = reports.map((r) => [
    r.host,
    r.reachable,
    r.hello,
    r.version === "ok" ? r.cdiVersion! : r.version,
    r.apiKey,
    r.latencyMs ? `${r.latencyMs.p50} ms` : "-",
    r.latencyMs ? `${r.latencyMs.p95} ms` : "-",
    r.healthy ? "healthy" : "UNHEALTHY",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const lines = [line(header), ...rows.map(line)];
  const fixes = reports.flatMap((r) => r.fixes.map((f) => `- ${r.host}: ${f}`));
  if (fixes.length > 0) lines.push("", "How to fix:", ...fixes);
  const healthy = reports.filter((r) => r.healthy).length;
  lines.push("", `${healthy} of ${reports.length} host${reports.length === 1 ? "" : "s"} healthy`);
  return lines;
}
