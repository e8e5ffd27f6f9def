/**
 * A recording core for tests: a real HTTP server on 127.0.0.1 that records
 * every request (method, url, headers, body) and answers like a CDI core.
 *
 *   const core = await startCoreServer();                  // /apiversion → {versions:["5.3","5.4"]}, else 200 {"status":"OK"}
 *   const core = await startCoreServer({ handler: (req, res) => sendJson(res, 200, {...}) });
 *   core.requests[0].headers["api-key"]; core.origin; await core.close();
 *
 * A handler may return without answering only if it answers later (or it is a fault: see faults.ts).
 */
import http, { type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Path without query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Header list as received, [name, value, name, value, ...]: shows a header sent twice (e.g. two traceparents). */
  rawHeaders: string[];
  /** Raw body ("" when none). */
  body: string;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  json: unknown;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface CoreServerOptions {
  /** What /apiversion answers with; `null` hands /apiversion to the handler like any other path. Default ["5.3", "5.4"]. */
  versions?: string[] | null;
  /** Answers everything but /apiversion. Default: 200 {"status":"OK"}. */
  handler?: Handler;
}

export interface CoreServer {
  /** "http://127.0.0.1:<port>" */
  origin: string;
  port: number;
  /** Every request received, /apiversion included, in arrival order. */
  requests: RecordedRequest[];
  /** Requests other than /apiversion. */
  calls(): RecordedRequest[];
  /** How many /apiversion requests arrived. */
  apiVersionCount(): number;
  /** TCP connections open right now (keep-alive ones included). */
  openConnections(): number;
  /** TCP connections accepted since the server started. */
  connectionsAccepted(): number;
  /** Swaps the handler (e.g. to make a host fail and then recover). */
  setHandler(handler: Handler): void;
  /** Stops listening and destroys open connections (stalled ones too). Safe to call twice. */
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const okHandler: Handler = (_req, res) => sendJson(res, 200, { status: "OK" });

export async function startCoreServer(options: CoreServerOptions = {}): Promise<CoreServer> {
  const versions = options.versions === undefined ? ["5.3", "5.4"] : options.versions;
  let handler = options.handler ?? okHandler;
  const requests: RecordedRequest[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = body === "" ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url,
        path: q === -1 ? url : url.slice(0, q),
        query: new URLSearchParams(q === -1 ? "" : url.slice(q + 1)),
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
        json,
      };
      requests.push(recorded);
      if (versions !== null && recorded.path.endsWith("/apiversion")) return sendJson(res, 200, { versions });
      Promise.resolve(handler(recorded, res)).catch((err: unknown) => {
        if (!res.headersSent) sendText(res, 500, `test handler failed: ${String(err)}`);
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  let open = 0;
  let accepted = 0;
  server.on("connection", (socket) => {
    open++;
    accepted++;
    socket.once("close", () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    calls: () => requests.filter((r) => !r.path.endsWith("/apiversion")),
    apiVersionCount: () => requests.filter((r) => r.path.endsWith("/apiversion")).length,
    openConnections: () => open,
    connectionsAccepted: () => accepted,
    setHandler: (h) => {
      handler = h;
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
