// A fixed-answer core stub for the benchmark: keep-alive HTTP/1.1 on 127.0.0.1, small JSON
// answers for the CDI calls the benchmark makes. It runs in its own process so that its
// CPU never counts against the clients being measured.
//
// Why node:net and not node:http: on a 2-core machine the stub shares the CPUs with the
// client being measured, and node:http's per-request objects made the stub the bottleneck
// (every client's calls/s then measured the stub). This server parses only what it needs
// (request line, content-length or chunked body boundaries, Connection: close) and answers
// each request, pipelined or not, with a precomputed response buffer. The same stub serves
// every client, so a cheaper stub raises the ceiling for all of them alike.
import net from "node:net";

const CRLF_CRLF = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");
/** Refuse requests whose head or body is absurd for this benchmark (the stub is not a general server). */
const MAX_HEAD = 64 * 1024;
const MAX_BODY = 1024 * 1024;

function response(status, reason, contentType, body) {
  const payload = Buffer.from(body);
  const head =
    `HTTP/1.1 ${status} ${reason}\r\n` +
    `content-type: ${contentType}\r\n` +
    `content-length: ${payload.length}\r\n` +
    "connection: keep-alive\r\n" +
    "keep-alive: timeout=60\r\n\r\n";
  return Buffer.concat([Buffer.from(head, "latin1"), payload]);
}

const JSON_TYPE = "application/json; charset=utf-8";
const API_VERSION = response(200, "OK", JSON_TYPE, JSON.stringify({ versions: ["5.3", "5.4"] }));
const METADATA = response(200, "OK", JSON_TYPE, JSON.stringify({ status: "OK", metadata: { plan: "pro", seats: 5 } }));
const NOT_FOUND = response(404, "Not Found", "text/plain", "Not found");
const BAD_REQUEST = Buffer.from("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n", "latin1");

function answerFor(method, target) {
  const q = target.indexOf("?");
  const path = q === -1 ? target : target.slice(0, q);
  if (path.endsWith("/apiversion")) return API_VERSION;
  if (path.endsWith("/recipe/user/metadata") && method === "GET") return METADATA;
  return NOT_FOUND;
}

/** Per-connection HTTP/1.1 request framing: head, then a content-length or chunked body. */
function serve(socket) {
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  // Body framing state of the request being read (its answer is already chosen).
  let bodyLeft = 0; // content-length bytes still to skip
  let chunked = false; // reading a chunked body
  let answer = null; // the response of the request whose body is being read
  let closeAfter = false;

  let ended = false;

  const fail = () => {
    ended = true;
    socket.end(BAD_REQUEST);
  };

  socket.on("data", (data) => {
    if (ended) return;
    buf = buf.length === 0 ? data : Buffer.concat([buf, data]);
    const out = [];
    for (;;) {
      if (answer !== null) {
        // Skip the body of the current request.
        if (bodyLeft > 0) {
          const n = Math.min(bodyLeft, buf.length);
          buf = buf.subarray(n);
          bodyLeft -= n;
          if (bodyLeft > 0) break;
        }
        if (chunked) {
          // Each chunk: size line, data, CRLF; the last chunk is size 0, then trailers, then CRLF.
          const eol = buf.indexOf(CRLF);
          if (eol === -1) break;
          const size = parseInt(buf.toString("latin1", 0, eol).split(";")[0], 16);
          if (!Number.isFinite(size) || size < 0 || size > MAX_BODY) return fail();
          if (size > 0) {
            buf = buf.subarray(eol + 2);
            bodyLeft = size + 2; // data and its CRLF
            continue;
          }
          // The last chunk ("0"), optional trailers, then an empty line: "0\r\n\r\n" at the least.
          const end = buf.indexOf(CRLF_CRLF, eol);
          if (end === -1) break;
          buf = buf.subarray(end + 4);
          chunked = false;
        }
        out.push(answer);
        answer = null;
        if (closeAfter) break;
        continue;
      }
      const headEnd = buf.indexOf(CRLF_CRLF);
      if (headEnd === -1) {
        if (buf.length > MAX_HEAD) return fail();
        break;
      }
      const head = buf.toString("latin1", 0, headEnd);
      buf = buf.subarray(headEnd + 4);
      const lines = head.split("\r\n");
      const [method, target, version] = lines[0].split(" ");
      if (!method || !target || !version?.startsWith("HTTP/1.")) return fail();
      let contentLength = 0;
      let isChunked = false;
      closeAfter = version === "HTTP/1.0";
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i];
        const colon = line.indexOf(":");
        if (colon === -1) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        if (name === "content-length") contentLength = Number(line.slice(colon + 1).trim());
        else if (name === "transfer-encoding") isChunked = line.slice(colon + 1).toLowerCase().includes("chunked");
        else if (name === "connection") {
          const v = line.slice(colon + 1).trim().toLowerCase();
          if (v === "close") closeAfter = true;
          else if (v === "keep-alive") closeAfter = false;
        }
      }
      if (!Number.isInteger(contentLength) || contentLength < 0 || contentLength > MAX_BODY) return fail();
      answer = answerFor(method, target);
      bodyLeft = isChunked ? 0 : contentLength;
      chunked = isChunked;
    }
    if (out.length === 1) socket.write(out[0]);
    else if (out.length > 1) socket.write(Buffer.concat(out));
    if (closeAfter && answer === null && out.length > 0) {
      ended = true;
      socket.end();
    }
  });
  socket.on("error", () => socket.destroy());
}

const server = net.createServer(serve);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + "\n");
});
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  // Keep-alive sockets would hold close() open; the bench is over.
  setTimeout(() => process.exit(0), 200).unref();
});
process.on("disconnect", () => process.exit(0));
