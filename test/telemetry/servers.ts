/**
 * The shared recording core (test/helpers/coreServer.ts) as the telemetry tests use it:
 * /apiversion is not answered specially, `respond` picks each answer, and headerValues
 * reads every value of a header as received (a repeated traceparent shows as two).
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { resetTelemetryConfig } from "../../src/telemetry/config.js";
import { registerOtel, type OtelHarness } from "./otel.js";
import { sendJson, startCoreServer, type CoreServer, type RecordedRequest } from "../helpers/coreServer.js";

export interface RecordingServer extends CoreServer {
  /** All values of one header (case-insensitive) in a recorded request. */
  headerValues(req: RecordedRequest, name: string): string[];
}

export async function startRecordingServer(
  respond: (req: RecordedRequest) => { status: number; body?: unknown } = () => ({ status: 200, body: { status: "OK" } }),
): Promise<RecordingServer> {
  const core = await startCoreServer({
    versions: null,
    handler: (req, res) => {
      const out = respond(req);
      sendJson(res, out.status, out.body ?? {});
    },
  });
  return { ...core, headerValues };
}

function headerValues(req: RecordedRequest, name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === lower) out.push(req.rawHeaders[i + 1]!);
  }
  return out;
}

export interface OtelAndServer {
  otel: OtelHarness;
  server: RecordingServer;
}

/**
 * The setup most telemetry suites share: the SDK registered and a recording server up for the
 * whole file; spans, recorded requests and telemetry config cleared after each test; both
 * closed at the end. The fields are set once beforeAll has run.
 */
export function useOtelAndServer(respond?: Parameters<typeof startRecordingServer>[0]): OtelAndServer {
  const env = {} as OtelAndServer;
  beforeAll(async () => {
    env.otel = registerOtel();
    env.server = await startRecordingServer(respond);
  });
  afterEach(() => {
    env.otel.exporter.reset();
    env.server.requests.length = 0;
    resetTelemetryConfig();
  });
  afterAll(async () => {
    await env.server.close();
    await env.otel.shutdown();
  });
  return env;
}
