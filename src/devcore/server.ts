/**
 * The HTTP server: one pipeline per request, in the core's order of checks:
 *   route (404) → app exists (400) → API key (401) → cdi-version (400)
 *   → tenant exists (400) → method (405) → public-tenant-only APIs (403) → handler.
 * Errors are short text bodies, as the core sends them; successes are JSON.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { CORE_TEXT, CoreHttpError, text, type Reply } from "./http.js";
import { BodyReader, parseJsonObject, QueryReader, readBody } from "./input.js";
import { Router, type RouteMatch } from "./router.js";
import { ALL_ROUTES } from "./routes/index.js";
import { SUPPORTED_CDI_VERSIONS, type DevCoreState } from "./state.js";
import { PUBLIC_APP, PUBLIC_TENANT } from "./storage/store.js";
import { endRequestSpan, startRequestSpan } from "./telemetry.js";

/** One request/response pair, as a test sees it (the contract tests validate these). */
export interface Exchange {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: string;
}

export interface ServerHooks {
  /** Called after every response is written. Internal: used by the tests. */
  observe?(exchange: Exchange): void;
  /** Called for unexpected handler failures (answered with 500). Defaults to one line on stderr. */
  onInternalError?(error: unknown, where: string): void;
}

const LATEST_CDI = SUPPORTED_CDI_VERSIONS[SUPPORTED_CDI_VERSIONS.length - 1]!;
const CDI_VERSION = /^\d+\.\d+$/;

function defaultInternalError(error: unknown, where: string): void {
  // Name and message only: request values (tokens, passwords) are never part of them.
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
  process.stderr.write(`corelens devcore: internal error in ${where}: ${detail}\n`);
}

export class DevCoreServer {
  private readonly router = new Router(ALL_ROUTES);
  private readonly keyDigests: Buffer[];
  readonly server: Server;

  constructor(
    private readonly state: DevCoreState,
    private readonly hooks: ServerHooks = {},
  ) {
    this.keyDigests = state.config.apiKeys.map(digest);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        (this.hooks.onInternalError ?? defaultInternalError)(error, "response writing");
        if (!res.headersSent) res.writeHead(500).end(CORE_TEXT.internalError);
        else res.destroy();
      });
    });
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // In-flight requests get a moment to finish; then every connection is cut.
      setTimeout(() => this.server.closeAllConnections(), 1000).unref();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const match = this.router.match(method, path);
    const address = this.server.address() as AddressInfo;
    const span = startRequestSpan({
      method,
      template: match.kind === "not-found" ? undefined : match.template,
      path,
      headers: req.headers,
      serverAddress: this.state.config.host,
      serverPort: address.port,
    });
    let reply: Reply;
    try {
      const raw = await readBody(req);
      if (raw instanceof CoreHttpError) throw raw;
      reply = await this.dispatch(req, match, q === -1 ? "" : rawUrl.slice(q + 1), raw);
    } catch (error) {
      if (error instanceof CoreHttpError) reply = text(error.status, error.body);
      else {
        (this.hooks.onInternalError ?? defaultInternalError)(error, `${method} ${match.kind === "not-found" ? path : match.template}`);
        reply = text(500, CORE_TEXT.internalError);
      }
    }
    const body = "json" in reply ? JSON.stringify(reply.json) : reply.text;
    const contentType = "json" in reply ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
    res.writeHead(reply.status, { "content-type": contentType, "content-length": Buffer.byteLength(body), ...reply.headers });
    res.end(body);
    endRequestSpan(span, reply.status);
    this.hooks.observe?.({ method, path, status: reply.status, contentType, body });
  }

  private async dispatch(req: IncomingMessage, match: RouteMatch, search: string, raw: Buffer): Promise<Reply> {
    if (match.kind === "not-found") return text(404, CORE_TEXT.notFound);
    const { route, appId, tenantId } = match;
    if (appId !== PUBLIC_APP) throw unknownTenant(appId, tenantId);
    if (route.apiKey !== false && !this.apiKeyAccepted(req)) return text(401, CORE_TEXT.invalidApiKey);
    if (route.cdiVersion !== false) checkCdiVersion(req.headers["cdi-version"]);
    if (route.tenantMustExist !== false && !this.state.store.getTenant(appId, tenantId)) {
      // On the root path the core answers an unknown tenant with 404.
      if (route.path === "/") return text(404, CORE_TEXT.notFound);
      throw unknownTenant(appId, tenantId);
    }
    if (match.kind === "wrong-method") return text(405, CORE_TEXT.methodNotSupported);
    if (!route.tenantScoped && tenantId !== PUBLIC_TENANT) return text(403, CORE_TEXT.publicTenantOnly);
    let body: BodyReader | undefined;
    return route.handle({
      state: this.state,
      appId,
      tenantId,
      query: new QueryReader(new URLSearchParams(search)),
      body: () => (body ??= new BodyReader(parseJsonObject(raw))),
    });
  }

  private apiKeyAccepted(req: IncomingMessage): boolean {
    if (this.keyDigests.length === 0) return true;
    const presented = presentedApiKey(req);
    if (presented === undefined) return false;
    const d = digest(presented);
    // Compare against every key without stopping early: the time taken says nothing about which key is close.
    let accepted = false;
    for (const k of this.keyDigests) accepted = timingSafeEqual(d, k) || accepted;
    return accepted;
  }
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** `api-key` header, else `Authorization: Bearer KEY` (or a bare `Authorization: KEY`), trimmed. */
function presentedApiKey(req: IncomingMessage): string | undefined {
  const apiKey = req.headers["api-key"];
  if (typeof apiKey === "string") return apiKey.trim();
  const auth = req.headers.authorization;
  if (auth === undefined) return undefined;
  return /^bearer /i.test(auth) ? auth.slice(7).trim() : auth.trim();
}

function checkCdiVersion(header: string | string[] | undefined): string {
  if (header === undefined) return LATEST_CDI;
  const value = Array.isArray(header) ? header[0]! : header;
  if (!CDI_VERSION.test(value.trim())) throw new CoreHttpError(400, "cdi-version header is invalid");
  const version = value.trim();
  if (!SUPPORTED_CDI_VERSIONS.includes(version)) throw new CoreHttpError(400, `cdi-version ${version} not supported`);
  return version;
}

function unknownTenant(appId: string, tenantId: string): CoreHttpError {
  return new CoreHttpError(400, `AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, ${appId}, ${tenantId})`);
}
