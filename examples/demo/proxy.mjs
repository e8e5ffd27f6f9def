// A small TCP proxy in front of the dev core: a second "core host" that shares
// the dev core's data (two dev cores would not share users), and that the demo
// can take down mid-run to show failover.
import { createServer, connect } from "node:net";

export async function startTcpProxy(targetPort, targetHost = "127.0.0.1") {
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    /** The host goes down: stop listening (new connections are refused) and cut the open ones. */
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
