/**
 * `corelens serve`: the auth APIs as a service, for backends not written for
 * Node. Telemetry is on by default (the corelens/instrumentation bootstrap:
 * OTLP traces, a Prometheus endpoint); --no-telemetry or OTEL_SDK_DISABLED=true
 * turns it off. Prints exactly one line on stdout when ready:
 *   corelens serve listening on http://HOST:PORT
 */
import { parseArgs } from "node:util";
import { UsageError, wholeNumber } from "./args.js";
import type { CliCommand } from "./command.js";

const HELP = `Usage: corelens serve --connection-uri URI --api-domain URL --website-domain URL [options]

Runs the auth APIs (sign up, sign in, email exists, sign out, session refresh,
the JWKS) under the API base path, plus session introspection, for a frontend
using a SuperTokens frontend SDK and backends in any language.

Options:
  --connection-uri URI      the core(s), ';'-separated (required)
  --api-key KEY             the core's API key (or set CORE_API_KEY, which keeps it out of the process list)
  --api-domain URL          where this server is reached by the browser (required)
  --website-domain URL      the website's origin; it gets CORS with credentials (required)
  --api-base-path PATH      default /auth
  --app-name NAME           default corelens
  --port N                  default 3001 (0 picks a free port)
  --host HOST               interface to bind (default 127.0.0.1; 0.0.0.0 for all)
  --anti-csrf MODE          VIA_TOKEN | VIA_CUSTOM_HEADER | NONE (default: from the cookie SameSite)
  --cookie-domain DOMAIN    share the session cookies with sibling hosts (e.g. .example.com, so your
                            backend on api.example.com receives sAccessToken set by auth.example.com)
  --cookie-same-site VALUE  strict | lax | none (default: lax when the two domains are one site, else none)
  --no-telemetry            do not start OpenTelemetry (otherwise: OTLP traces, and Prometheus metrics on
                            --host:9464, or OTEL_EXPORTER_PROMETHEUS_HOST/_PORT)
  -h, --help                show this help

Endpoints (under the API base path): POST /signup, /signin, /signout, /session/refresh,
GET /emailpassword/email/exists, GET /jwt/jwks.json, POST /session/introspect; GET /health (outside the base path).
`;

export interface ServeOptions {
  connectionURI: string;
  apiKey: string | undefined;
  apiDomain: string;
  websiteDomain: string;
  apiBasePath: string;
  appName: string;
  port: number;
  host: string;
  antiCsrf: "VIA_TOKEN" | "VIA_CUSTOM_HEADER" | "NONE" | undefined;
  cookieDomain: string | undefined;
  cookieSameSite: "strict" | "lax" | "none" | undefined;
  telemetry: boolean;
}

export function parseServeArgs(args: string[], env: NodeJS.ProcessEnv = process.env): ServeOptions | "help" {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      "connection-uri": { type: "string" },
      "api-key": { type: "string" },
      "api-domain": { type: "string" },
      "website-domain": { type: "string" },
      "api-base-path": { type: "string" },
      "app-name": { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "anti-csrf": { type: "string" },
      "cookie-domain": { type: "string" },
      "cookie-same-site": { type: "string" },
      "no-telemetry": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const required = (flag: "connection-uri" | "api-domain" | "website-domain"): string => {
    const v = values[flag];
    if (v === undefined || v.trim() === "") throw new UsageError(`--${flag} is required`);
    return v;
  };
  const port = wholeNumber("port", values.port) ?? 3001;
  if (port > 65535) throw new UsageError(`--port must be a port number (0-65535), got '${port}'`);
  const antiCsrf = values["anti-csrf"];
  if (antiCsrf !== undefined && !["VIA_TOKEN", "VIA_CUSTOM_HEADER", "NONE"].includes(antiCsrf)) {
    throw new UsageError(`--anti-csrf must be VIA_TOKEN, VIA_CUSTOM_HEADER or NONE, got '${antiCsrf}'`);
  }
  const sameSite = values["cookie-same-site"];
  if (sameSite !== undefined && !["strict", "lax", "none"].includes(sameSite)) {
    throw new UsageError(`--cookie-same-site must be strict, lax or none, got '${sameSite}'`);
  }
  return {
    connectionURI: required("connection-uri"),
    apiKey: values["api-key"] ?? (env.CORE_API_KEY || undefined),
    apiDomain: required("api-domain"),
    websiteDomain: required("website-domain"),
    apiBasePath: values["api-base-path"] ?? "/auth",
    appName: values["app-name"] ?? "corelens",
    port,
    host: values.host ?? "127.0.0.1",
    antiCsrf: antiCsrf as ServeOptions["antiCsrf"],
    cookieDomain: values["cookie-domain"],
    cookieSameSite: sameSite as ServeOptions["cookieSameSite"],
    telemetry: values["no-telemetry"] !== true && env.OTEL_SDK_DISABLED !== "true",
  };
}

/** Starts the bootstrap's NodeSDK; without the optional OpenTelemetry packages, says so and goes on. */
async function startTelemetry(host: string): Promise<(() => Promise<void>) | undefined> {
  process.env.OTEL_SERVICE_NAME ??= "corelens-auth";
  // The metrics endpoint listens where the auth APIs do (127.0.0.1 by default), not on every interface.
  process.env.OTEL_EXPORTER_PROMETHEUS_HOST ??= host;
  try {
    // Resolved at run time from dist/src/cli/ to dist/instrumentation/, so src/ has no static dependency on the SDK.
    const sdkModule = new URL("../../instrumentation/sdk.js", import.meta.url).href;
    const { startCorelensSdk } = (await import(sdkModule)) as { startCorelensSdk: (o: { flushOnExit: boolean }) => { shutdown(): Promise<void> } };
    const started = startCorelensSdk({ flushOnExit: false });
    return () => started.shutdown();
  } catch (error) {
    process.stderr.write(
      `corelens serve: telemetry not started (${error instanceof Error ? error.message : String(error)}). ` +
        "Install the OpenTelemetry packages listed in the README, or pass --no-telemetry.\n",
    );
    return undefined;
  }
}

export const serveCommand: CliCommand = {
  async run(args) {
    let options: ServeOptions | "help";
    try {
      options = parseServeArgs(args);
    } catch (error) {
      process.stderr.write(`corelens serve: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
      return 2;
    }
    if (options === "help") {
      process.stdout.write(HELP);
      return 0;
    }
    const stopTelemetry = options.telemetry ? await startTelemetry(options.host) : undefined;
    const corelens = (await import("../index.js")).default;
    const EmailPassword = (await import("../recipe/emailpassword/index.js")).default;
    const Session = (await import("../recipe/session/index.js")).default;
    const { startAuthServer } = await import("../server/authServer.js");
    try {
      corelens.init({
        supertokens: { connectionURI: options.connectionURI, apiKey: options.apiKey },
        appInfo: {
          appName: options.appName,
          apiDomain: options.apiDomain,
          websiteDomain: options.websiteDomain,
          apiBasePath: options.apiBasePath,
        },
        recipeList: [
          EmailPassword.init(),
          Session.init({
            ...(options.antiCsrf === undefined ? {} : { antiCsrf: options.antiCsrf }),
            ...(options.cookieDomain === undefined ? {} : { cookieDomain: options.cookieDomain }),
            ...(options.cookieSameSite === undefined ? {} : { cookieSameSite: options.cookieSameSite }),
          }),
        ],
      });
    } catch (error) {
      process.stderr.write(`corelens serve: ${error instanceof Error ? error.message : String(error)}\n`);
      await stopTelemetry?.();
      return 2;
    }
    let server;
    try {
      server = await startAuthServer({ port: options.port, host: options.host });
    } catch (error) {
      process.stderr.write(`corelens serve: cannot listen on ${options.host}:${options.port}: ${(error as Error).message}\n`);
      await corelens.close();
      await stopTelemetry?.();
      return 1;
    }
    process.stdout.write(`corelens serve listening on ${server.url}\n`);
    const running = server;
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    await running.close();
    await corelens.close();
    await stopTelemetry?.();
    return 0;
  },
};
