/**
 * Drives the telemetry seam the way src/querier does (seam.ts), around a real
 * undici send, so the telemetry modules can be tested on their own.
 */
import { request as undiciRequest, type Dispatcher } from "undici";
import type { HttpRequest, NetworkInterceptor } from "../../src/querier/types.js";
import { querierTelemetry, type AttemptStart } from "../../src/telemetry/index.js";

export interface DriveOptions {
  origin: string;
  template: string;
  path: string;
  method?: HttpRequest["method"];
  headers?: Record<string, string>;
  params?: HttpRequest["params"];
  body?: unknown;
  interceptor?: NetworkInterceptor;
  resendCount?: number;
  tenantId?: string;
  dispatcher?: Dispatcher;
}

export interface DriveResult {
  status?: number;
  final?: HttpRequest;
  error?: unknown;
}

function fullUrl(req: HttpRequest): string {
  const u = new URL(req.url);
  for (const [k, v] of Object.entries(req.params ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
  return u.href;
}

export async function driveAttempt(o: DriveOptions): Promise<DriveResult> {
  const telemetry = querierTelemetry();
  const original: HttpRequest = {
    url: o.origin + o.path,
    method: o.method ?? "post",
    headers: { "api-key": "test-api-key-XYZ-123456", "cdi-version": "5.4", ...o.headers },
    params: o.params,
    body: o.body,
  };
  const start: AttemptStart = {
    template: o.template,
    method: (o.method ?? "post").toUpperCase(),
    hostOrigin: o.origin,
    resendCount: o.resendCount ?? 0,
    hasInterceptor: o.interceptor !== undefined,
    cdiVersion: "5.4",
  };
  if (o.tenantId !== undefined) start.tenantId = o.tenantId;
  const scope = telemetry.startAttempt(start);
  let final: HttpRequest;
  try {
    const interceptor = o.interceptor;
    final = await scope.intercept(original, async () =>
      // The interceptor gets the very object corelens built (it may mutate it in place).
      interceptor ? interceptor(original, {}) : original,
    );
  } catch (error) {
    scope.end({ error, errorType: "interceptor_error" });
    return { error };
  }
  scope.beforeSend(final, original);
  try {
    const res = await scope.send(async () => {
      const r = await undiciRequest(fullUrl(final), {
        method: final.method.toUpperCase() as Dispatcher.HttpMethod,
        headers: final.headers,
        body: final.body === undefined ? undefined : JSON.stringify(final.body),
        ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
      });
      await r.body.text();
      return r;
    });
    scope.end({ statusCode: res.statusCode });
    return { status: res.statusCode, final };
  } catch (error) {
    const code = (error as { code?: string }).code;
    scope.end(code ? { error, errorType: code } : { error });
    return { error, final };
  }
}
