/**
 * A real HTTP proxy on 127.0.0.1 in front of the dev core: it forwards every
 * request unchanged and records its method and path, so a test can prove how
 * many calls reached the core. `jwksOverride` swaps the JWKS answer, to serve
 * keys the test signs with (foreign, rotated, or in addition to the core's).
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
}

export interface CoreProxy {
  url: string;
  requests: RecordedRequest[];
  /** Requests whose path (without query) is `path`. */
  count(path: string): number;
  /** When set, GET /.well-known/jwks.json answers this instead of asking the core. */
  jwksOverride: (() => Promise<{ keys: unknown[] }>) | undefined;
  close(): Promise<void>;
}

export async function startCoreProxy(targetUrl: string): Promise<CoreProxy> {
  const target = new URL(targetUrl);
  const proxy: CoreProxy = {
    url: "",
    requests: [],
    count: (path) => proxy.requests.filter((r) => r.path.split("?")[0] === path).length,
    jwksOverride: undefined,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    proxy.requests.push({ method: req.method ?? "GET", path });
    if (proxy.jwksOverride !== undefined && path.split("?")[0] === "/.well-known/jwks.json") {
      proxy
        .jwksOverride()
        .then((body) => {
          res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
          res.end(JSON.stringify(body));
        })
        .catch(() => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end("jwks override failed");
        });
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("proxy: core unreachable");
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

/** GETs the core's JWKS directly (not through corelens). */
export async function fetchCoreJwks(coreUrl: string): Promise<{ keys: Record<string, unknown>[] }> {
  const res = await fetch(`${coreUrl}/.well-known/jwks.json`);
  return (await res.json()) as { keys: Record<string, unknown>[] };
}
