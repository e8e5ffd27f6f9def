/**
 * What a route handler returns, and the one exception type handlers throw to
 * answer with a core-style error. The core sends errors as short text bodies
 * and every business outcome (even UNAUTHORISED) as HTTP 200 JSON; the
 * official SDKs depend on that split, so the dev core keeps it.
 */

export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; headers?: Record<string, string> };

export function ok(body: Record<string, unknown>): Reply {
  return { status: 200, json: { status: "OK", ...body } };
}

export function json(body: unknown): Reply {
  return { status: 200, json: body };
}

export function text(status: number, body: string): Reply {
  return { status, text: body };
}

/** Thrown by handlers and input readers; the server turns it into a text reply. */
export class CoreHttpError extends Error {
  override name = "CoreHttpError";
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(body);
  }
}

export const badRequest = (message: string): CoreHttpError => new CoreHttpError(400, message);

/** The exact texts the SuperTokens core sends for its generic failures. */
export const CORE_TEXT = {
  invalidJson: "Invalid Json Input",
  invalidApiKey: "Invalid API key",
  notFound: "Not found",
  methodNotSupported: "Method not supported",
  internalError: "Internal Error",
  publicTenantOnly: "Only public tenantId can call this app specific API",
} as const;
