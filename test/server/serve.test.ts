import net from "node:net";
/**
 * `corelens serve` (the built CLI, as a child process) against the dev core:
 * the auth APIs, CORS for the website, the JWKS a backend verifies tokens
 * with, session introspection called from python3's standard library, and
 * telemetry on by default (spans of a sign-in printed by the console exporter).
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createPublicKey, createVerify, type JsonWebKey } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevCore } from "../../src/devcore/index.js";
import { FrontendClient, freshEmail } from "../framework/helpers/client.js";

const CLI = fileURLToPath(new URL("../../dist/src/cli/index.js", import.meta.url));
const PY_CLIENT = fileURLToPath(new URL("./clients/introspect.py", import.meta.url));
const WEBSITE = "http://127.0.0.1:3000";

let core: Awaited<ReturnType<typeof startDevCore>>;

interface Served {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stop(): Promise<number | null>;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function serve(extraArgs: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--connection-uri", core.url, "--api-domain", "http://127.0.0.1:3001", "--website-domain", WEBSITE, "--port", "0", ...extraArgs],
    { env: { ...process.env, OTEL_METRICS_EXPORTER: "none", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`corelens serve did not start: ${err}`)), 20_000);
    child.stdout!.on("data", () => {
      const m = /corelens serve listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`corelens serve exited ${code}: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    url,
    child,
    stdout: () => out,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

function python(url: string, token: string): Promise<{ status: number; body: any }> {
  return promisify(execFile)("python3", [PY_CLIENT, url, token]).then(({ stdout }) => JSON.parse(stdout));
}

beforeAll(async () => {
  core = await startDevCore({ port: 0, accessTokenValidity: 2 });
});
afterAll(async () => {
  await core.close();
});

describe("corelens serve", () => {
  let server: Served;
  beforeAll(async () => {
    server = await serve(["--no-telemetry"]);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it("serves the auth APIs: sign up, sign in, email exists, refresh, sign out", async () => {
    const c = new FrontendClient(server.url, "cookie");
    const email = freshEmail("serve");
    expect((await c.signUp(email, "password123")).body.status).toBe("OK");
    expect((await c.call("GET", `/auth/emailpassword/email/exists?email=${encodeURIComponent(email)}`)).body.exists).toBe(true);
    const h = new FrontendClient(server.url, "header");
    expect((await h.signIn(email, "password123")).body.status).toBe("OK");
    expect((await h.refresh()).status).toBe(200);
    expect((await h.signOut()).body).toEqual({ status: "OK" });
    expect((await c.call("GET", "/auth/nothing")).status).toBe(404);
  });

  it("answers CORS preflights for the website only, with credentials and the SDK's headers", async () => {
    const pre = await fetch(`${server.url}/auth/signin`, {
      method: "OPTIONS",
      headers: { origin: WEBSITE, "access-control-request-method": "POST", "access-control-request-headers": "content-type,rid,st-auth-mode" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(WEBSITE);
    expect(pre.headers.get("access-control-allow-credentials")).toBe("true");
    for (const h of ["content-type", "rid", "fdi-version", "anti-csrf", "authorization", "st-auth-mode"]) {
      expect(pre.headers.get("access-control-allow-headers")).toContain(h);
    }
    const other = await fetch(`${server.url}/auth/signin`, { method: "OPTIONS", headers: { origin: "http://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("introspection from python3: user, session handle and payload for a valid token; 401 with the reason otherwise", async () => {
    const h = new FrontendClient(server.url, "header");
    const up = await h.signUp(freshEmail("py"), "password123");
    const ok = await python(server.url, h.accessToken!);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe("OK");
    expect(ok.body.userId).toBe(up.body.user.id);
    expect(ok.body.sessionHandle).toBe(h.front().up.sessionHandle);
    expect(ok.body.tenantId).toBe("public");
    expect(ok.body.accessTokenPayload.sub).toBe(up.body.user.id);
    // The token may come as Authorization: Bearer instead of in the body.
    const viaHeader = await fetch(`${server.url}/auth/session/introspect`, { method: "POST", headers: { authorization: `Bearer ${h.accessToken!}` } });
    expect(viaHeader.status).toBe(200);
    expect(((await viaHeader.json()) as { userId: string }).userId).toBe(up.body.user.id);

    const garbage = await python(server.url, "not-a-token");
    expect(garbage.status).toBe(401);
    expect(garbage.body.status).toBe("UNAUTHORISED");
    expect(garbage.body.message).toBeTruthy();

    const tampered = h.accessToken!.slice(0, -4) + (h.accessToken!.endsWith("AAAA") ? "BBBB" : "AAAA");
    const bad = await python(server.url, tampered);
    expect(bad.status).toBe(401);
    expect(bad.body.status).toBe("TRY_REFRESH_TOKEN");

    await new Promise((r) => setTimeout(r, Math.max(0, h.front().ate - Date.now()) + 50));
    const expired = await python(server.url, h.accessToken!);
    expect(expired.status).toBe(401);
    expect(expired.body.status).toBe("TRY_REFRESH_TOKEN");

    // A revoked session: only a database check sees it.
    await h.refresh();
    const fresh = h.accessToken!;
    await h.signOut();
    const revoked = await fetch(`${server.url}/auth/session/introspect`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accessToken: fresh, checkDatabase: true }),
    });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { status: string }).status).toBe("UNAUTHORISED");
    const missing = await fetch(`${server.url}/auth/session/introspect`, { method: "POST" });
    expect(missing.status).toBe(400);
  });

  it("publishes the JWKS: a backend verifies the access token's RS256 signature itself", async () => {
    const h = new FrontendClient(server.url, "header");
    await h.signUp(freshEmail("jwks"), "password123");
    const { keys } = (await (await fetch(`${server.url}/auth/jwt/jwks.json`)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const [header, payload, signature] = h.accessToken!.split(".") as [string, string, string];
    const { kid } = JSON.parse(Buffer.from(header, "base64url").toString());
    const jwk = keys.find((k) => k.kid === kid)!;
    expect(jwk).toBeDefined();
    const verifier = createVerify("RSA-SHA256").update(`${header}.${payload}`);
    expect(verifier.verify(createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(signature, "base64url"))).toBe(true);
  });
});

describe("corelens serve command line", () => {
  it("--help prints the usage; a missing required flag exits 2 saying which", async () => {
    const help = await promisify(execFile)(process.execPath, [CLI, "serve", "--help"]);
    expect(help.stdout).toMatch(/--connection-uri/);
    const missing = await promisify(execFile)(process.execPath, [CLI, "serve", "--api-domain", "x", "--website-domain", "y"]).catch((e) => e);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--connection-uri is required/);
  });

  it("--cookie-domain and --cookie-same-site shape the session cookies; a bad value exits 2", async () => {
    const server = await serve(["--no-telemetry", "--cookie-domain", ".example.com", "--cookie-same-site", "strict"]);
    try {
      const res = await new FrontendClient(server.url, "cookie").signUp(freshEmail("domain"), "password123");
      expect(res.setCookies).toHaveLength(2);
      for (const cookie of res.setCookies) {
        expect(cookie).toMatch(/; Domain=\.example\.com/);
        expect(cookie).toMatch(/SameSite=Strict/);
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const bad = await promisify(execFile)(process.execPath, [
      CLI, "serve", "--connection-uri", core.url, "--api-domain", "x", "--website-domain", "y", "--cookie-same-site", "sometimes",
    ]).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--cookie-same-site must be strict, lax or none/);
  });

  it("starts OpenTelemetry by default: a sign-in's spans are exported, metrics served on --host", async () => {
    const metricsPort = await freePort();
    const server = await serve([], { OTEL_TRACES_EXPORTER: "console", OTEL_SERVICE_NAME: "auth-test", OTEL_METRICS_EXPORTER: "", OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) });
    const c = new FrontendClient(server.url, "header");
    await c.signUp(freshEmail("otel"), "password123");
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/http_client_request_duration_count\{[^}]*url_template="\/<tenantId>\/recipe\/signup"/);
    expect(await server.stop()).toBe(0);
    const out = server.stdout();
    expect(out).toMatch(/name: 'auth\.signup'/);
    expect(out).toMatch(/name: 'POST \/auth\/signup'/);
    expect(out).toMatch(/name: 'POST \/<tenantId>\/recipe\/signup'/);
  });
});
