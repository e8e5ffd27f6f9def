/**
 * Sends one WireRequest with undici and says how it went. Connections are
 * pooled and kept alive by one Agent per init (or the user's own Dispatcher).
 *
 * Outcomes: a response (status + text), or a TransportFailure whose `kind`
 * drives the retry policy:
 *   connection      refused, reset before any response, DNS, TLS: nothing was answered
 *   connect_timeout no connection within connectTimeoutMs
 *   request_timeout connected, but no headers (or body) within requestTimeoutMs
 *   broken_response the connection broke after the response started
 * Anything else (a programming error) is rethrown as it is.
 */
import { Agent, type Dispatcher } from "undici";
import type { WireRequest } from "./request.js";

export interface CoreResponse {
  status: number;
  /** Lower-case header names, as undici gives them (from our own Agent: only content-type and retry-after). */
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export type FailureKind = "connection" | "connect_timeout" | "request_timeout" | "broken_response";

export class TransportFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    /** Low-cardinality code: "ECONNREFUSED", "UND_ERR_SOCKET", "connect_timeout"... */
    readonly code: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** System and undici codes that mean "this host could not be talked to". */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN",
  "ENETDOWN", "ETIMEDOUT", "ECONNABORTED", "EADDRNOTAVAIL", "UND_ERR_SOCKET", "UND_ERR_CLOSED",
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_)/;

export interface TransportOptions {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  dispatcher: Dispatcher | undefined;
}

export class Transport {
  readonly dispatcher: Dispatcher;
  private readonly owned: boolean;
  private readonly requestTimeoutMs: number;

  constructor(opts: TransportOptions) {
    this.requestTimeoutMs = opts.requestTimeoutMs;
    this.owned = opts.dispatcher === undefined;
    this.dispatcher =
      opts.dispatcher ??
      new Agent({
        connect: { timeout: opts.connectTimeoutMs },
        headersTimeout: opts.requestTimeoutMs,
        bodyTimeout: opts.requestTimeoutMs,
      });
  }

  send(req: WireRequest): Promise<CoreResponse> {
    if (this.owned) {
      // Our own Agent: dispatch with a handler that gathers the (small) body itself. undici's
      // request() wraps every response in a stream and an AsyncResource and text() adds two more
      // promises; on this path a core call costs one promise. The Agent already carries the
      // timeouts, so the request options need not repeat them.
      return new Promise<CoreResponse>((resolve, reject) => {
        this.dispatcher.dispatch(
          { origin: req.origin, path: req.path, method: req.method, headers: req.headers, body: req.body },
          new CollectingHandler(resolve, reject),
        );
      });
    }
    return this.sendWithRequest(req);
  }

  /** A user's Dispatcher may be anything with request(): use exactly that. */
  private async sendWithRequest(req: WireRequest): Promise<CoreResponse> {
    let res: Dispatcher.ResponseData;
    try {
      res = await this.dispatcher.request({
        origin: req.origin,
        path: req.path,
        method: req.method,
        headers: req.headers,
        body: req.body,
        headersTimeout: this.requestTimeoutMs,
        bodyTimeout: this.requestTimeoutMs,
      });
    } catch (err) {
      throw classify(err, false);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw classify(err, true);
    }
    return { status: res.statusCode, headers: res.headers, text };
  }

  /** Closes the Agent corelens created; a user's Dispatcher is theirs to close. */
  async close(): Promise<void> {
    if (this.owned) await this.dispatcher.close();
  }
}

/**
 * undici's handler interface (the one its own request() implements): headers, then body
 * chunks, then completion or an error. The answer is decoded as undici's text() does
 * (UTF-8, a leading BOM skipped), and failures are classified the same way: an error after
 * the response headers arrived is a broken response.
 */
class CollectingHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private started = false;
  private chunks: Buffer[] = [];
  private length = 0;

  constructor(
    private readonly resolve: (res: CoreResponse) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  onConnect(): void {}

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx: the final answer follows
    this.status = statusCode;
    this.headers = readHeaders(rawHeaders);
    this.started = true;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return true;
  }

  onComplete(): void {
    // Settled after undici has freed this connection, not now: undici frees it for reuse with a
    // setImmediate it schedules once this callback returns; the microtask queues ours behind it.
    // Settling at once let the caller's next request find the connection still busy, and the
    // Agent's pool (unbounded) then opened another: under steady load, twice the sockets.
    const res: CoreResponse = { status: this.status, headers: this.headers, text: decodeUtf8(this.chunks, this.length) };
    const resolve = this.resolve;
    queueMicrotask(() => setImmediate(resolve, res));
  }

  onError(err: Error): void {
    this.reject(classify(err, this.started));
  }
}

/**
 * The response headers the querier reads (content-type, retry-after), decoded as undici's
 * parseHeaders does (latin1, lower-case names, an array when repeated). Only those two:
 * building the whole object per answer is work nobody uses.
 */
function readHeaders(rawHeaders: Buffer[]): Record<string, string | string[] | undefined> {
  const headers: Record<string, string | string[] | undefined> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const nameBuf = rawHeaders[i]!;
    if (nameBuf.length !== 12 && nameBuf.length !== 11) continue;
    const name = nameBuf.toString("latin1").toLowerCase();
    if (name !== "content-type" && name !== "retry-after") continue;
    const value = rawHeaders[i + 1]!.toString("latin1");
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (typeof seen === "string") headers[name] = [seen, value];
    else seen.push(value);
  }
  return headers;
}

function decodeUtf8(chunks: Buffer[], length: number): string {
  if (length === 0) return "";
  const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  const start = buf.length > 2 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  return buf.toString("utf8", start);
}

function classify(err: unknown, responseStarted: boolean): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return err;
  if (code === "UND_ERR_CONNECT_TIMEOUT") return new TransportFailure("connect_timeout", "connect_timeout", err);
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new TransportFailure("request_timeout", "request_timeout", err);
  }
  if (CONNECTION_CODES.has(code) || TLS_CODE.test(code)) {
    return new TransportFailure(responseStarted ? "broken_response" : "connection", code, err);
  }
  return err;
}
