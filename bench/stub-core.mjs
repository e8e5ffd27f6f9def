// A fixed-answer core stub for the benchmark: keep-alive HTTP on 127.0.0.1, small JSON
// answers for the CDI calls the benchmark makes. It runs in its own process so that its
// CPU never counts against the clients being measured.
import http from "node:http";

const API_VERSION = JSON.stringify({ versions: ["5.3", "5.4"] });
const METADATA = JSON.stringify({ status: "OK", metadata: { plan: "pro", seats: 5 } });

const server = http.createServer((req, res) => {
  const path = req.url.split("?")[0];
  let body;
  if (path.endsWith("/apiversion")) body = API_VERSION;
  else if (path.endsWith("/recipe/user/metadata") && req.method === "GET") body = METADATA;
  else {
    res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
    return;
  }
  // Drain any request body before answering so the connection stays reusable.
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + "\n");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
