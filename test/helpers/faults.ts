/**
 * Faults for the recording core (handlers for startCoreServer) and hosts that
 * fail before HTTP even starts. All on 127.0.0.1, all real sockets.
 *
 *   startCoreServer({ handler: faults.stall })            // accepts, reads the request, never answers
 *   startCoreServer({ handler: faults.status(429, { "retry-after": "1" }) })
 *   const port = await refusedPort();                      // nothing listens there: ECONNREFUSED
 *   const blackhole = await startBacklogFullHost();        // TCP connect never completes: connect timeout
 */
import { spawn, type ChildProcess } from "node:child_process";
import net, { type AddressInfo } from "node:net";
import type { Handler } from "./coreServer.js";
import { sendJson, sendText } from "./coreServer.js";

export const faults = {
  /** Reads the request, then never answers (the socket stays open until the server closes). */
  stall: (() => {}) as Handler,
  /** Destroys the connection before sending anything. */
  resetBeforeResponse: ((_req, res) => {
    res.socket?.destroy();
  }) as Handler,
  /** Sends the status line, headers and part of the body, then destroys the connection. */
  resetMidResponse: ((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
    res.write('{"status":"OK","partial":');
    setTimeout(() => res.socket?.destroy(), 10);
  }) as Handler,
  /** A plain-text answer with this status (and headers), like the core's errors. */
  status: (status: number, headers: Record<string, string> = {}, text = `status ${status} from test core`): Handler =>
    (_req, res) => sendText(res, status, text, headers),
  /** A 200 whose body claims to be JSON but is not. */
  invalidJson: ((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{not json");
  }) as Handler,
  /** A 200 JSON answer. */
  json: (value: unknown): Handler => (_req, res) => sendJson(res, 200, value),
};

/** A port on 127.0.0.1 where nothing listens (bound, then released): connecting is refused. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface BlackholeHost {
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A host whose TCP handshake never completes, for connect timeouts on 127.0.0.1:
 * a child process listens with a backlog of 1 and then blocks its event loop, so
 * it never accepts; once its accept queue is full (we fill it here), the kernel
 * drops further SYNs and connect() hangs until the client gives up.
 */
export async function startBacklogFullHost(): Promise<BlackholeHost> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("node:net").createServer();
       s.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
         process.stdout.write(s.address().port + "\\n");
         setTimeout(() => { for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000); }, 50);
       });`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim())));
  });
  await new Promise((r) => setTimeout(r, 150)); // let the child block
  // Fill the accept queue: these connect (the kernel completes them) but are never accepted.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 8; i++) {
    const done = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      fillers.push(s);
      s.on("error", () => {});
      s.once("connect", () => resolve(true));
      setTimeout(() => resolve(false), 200);
    });
    if (!done) break; // queue is full: this SYN was dropped
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const s of fillers) s.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}
