/**
 * A minimal core on 127.0.0.1 for verification tests: it answers /apiversion
 * and serves a JWKS the test controls, counting every request. Everything
 * else is a 404, so a test fails loudly if verification calls the core.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface KeyServer {
  url: string;
  keys: Record<string, unknown>[];
  requests: string[];
  count(path: string): number;
  /** Delay before each JWKS answer, to hold fetches in flight. */
  jwksDelayMs: number;
  /** When true, the JWKS answers 500 (a core in trouble). */
  jwksFailing: boolean;
  close(): Promise<void>;
}

export async function startKeyServer(keys: Record<string, unknown>[] = []): Promise<KeyServer> {
  const ks: KeyServer = {
    url: "",
    keys,
    requests: [],
    count: (path) => ks.requests.filter((p) => p.split("?")[0] === path).length,
    jwksDelayMs: 0,
    jwksFailing: false,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    ks.requests.push(path);
    const bare = path.split("?")[0];
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
      res.end(JSON.stringify(body));
    };
    if (bare === "/apiversion") return json({ versions: ["5.4"] });
    if (bare === "/.well-known/jwks.json" && ks.jwksFailing) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Error");
      return;
    }
    if (bare === "/.well-known/jwks.json") {
      const keysNow = ks.keys;
      setTimeout(() => json({ keys: keysNow }), ks.jwksDelayMs);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("Not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  ks.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return ks;
}
