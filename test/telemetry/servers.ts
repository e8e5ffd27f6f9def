/** A recording HTTP server on 127.0.0.1 for the telemetry tests: keeps the raw headers of every request. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  /** Raw header list, as received: [name, value, name, value, ...]. */
  rawHeaders: string[];
  body: string;
}

export interface RecordingServer {
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** All values of one header (case-insensitive) in a recorded request. */
  headerValues(req: RecordedRequest, name: string): string[];
  close(): Promise<void>;
}

export async function startRecordingServer(
  respond: (req: IncomingMessage, body: string) => { status: number; body?: unknown } = () => ({ status: 200, body: { status: "OK" } }),
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method ?? "", url: req.url ?? "", rawHeaders: req.rawHeaders, body });
      const out = respond(req, body);
      res.writeHead(out.status, { "content-type": "application/json" });
      res.end(JSON.stringify(out.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    headerValues(req, name) {
      const out: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (req.rawHeaders[i]!.toLowerCase() === name.toLowerCase()) out.push(req.rawHeaders[i + 1]!);
      }
      return out;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
