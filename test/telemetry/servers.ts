/**
 * The shared recording core (test/helpers/coreServer.ts) as the telemetry tests use it:
 * /apiversion is not answered specially, `respond` picks each answer, and headerValues
 * reads every value of a header as received (a repeated traceparent shows as two).
 */
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
