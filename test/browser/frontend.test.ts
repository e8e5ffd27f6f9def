/**
 * A real frontend: supertokens-web-js bundled into a page, in headless
 * chromium, against (1) an Express app using corelens/framework/express and
 * verifySession, same origin; (2) the same with Fastify; (3) the standalone server (`corelens serve`,
 * a child process) from a website on another origin, whose backend checks
 * sessions through the introspection endpoint. Cookie and header mode each.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import corelens from "../../src/index.js";
import EmailPassword from "../../src/recipe/emailpassword/index.js";
import Session from "../../src/recipe/session/index.js";
import { startDevCore } from "../../src/devcore/index.js";
import { startExpressApp, startFastifyApp, type App } from "../framework/helpers/apps.js";
import { bundlePage, launchBrowser, PAGE_HTML, runFlows, type Browser } from "./helpers.js";

const CLI = fileURLToPath(new URL("../../dist/src/cli/index.js", import.meta.url));
const MODES = ["cookie", "header"] as const;

let core: Awaited<ReturnType<typeof startDevCore>>;
let bundle: string;
let browser: Browser;

beforeAll(async () => {
  // Three seconds: long enough for a step, short enough to wait for expiry.
  core = await startDevCore({ port: 0, accessTokenValidity: 3 });
  bundle = await bundlePage();
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await core?.close();
});

describe("Express app (corelens/framework/express + verifySession)", () => {
  let app: App;
  let refreshes = 0;
  beforeAll(async () => {
    corelens.init({
      supertokens: { connectionURI: core.url },
      appInfo: { appName: "browser", apiDomain: "http://127.0.0.1", websiteDomain: "http://127.0.0.1" },
      recipeList: [EmailPassword.init(), Session.init()],
    });
    app = await startExpressApp((a) => {
      a.get("/", (_req, res) => {
        res.setHeader("content-type", "text/html");
        res.end(PAGE_HTML);
      });
      a.get("/app.js", (_req, res) => {
        res.setHeader("content-type", "text/javascript");
        res.end(bundle);
      });
      a.use((req: { method: string; url: string }, _res: unknown, next: () => void) => {
        if (req.method === "POST" && req.url === "/auth/session/refresh") refreshes++;
        next();
      });
    });
  });
  afterAll(async () => {
    await app.close();
    await corelens.close();
  });

  for (const mode of MODES) {
    it(`${mode} mode: sign up, protected call, expiry + automatic refresh, sign out, sign in`, async () => {
      const page = await browser.context.newPage();
      try {
        const before = refreshes;
        await runFlows(page, `${app.url}/?mode=${mode}`, "/api/me", mode);
        expect(refreshes).toBeGreaterThan(before);
      } finally {
        await page.close();
        await browser.context.clearCookies();
      }
    }, 60_000);
  }
});

describe("Fastify app (corelens/framework/fastify plugin + verifySession preHandler)", () => {
  let app: App;
  beforeAll(async () => {
    corelens.init({
      supertokens: { connectionURI: core.url },
      appInfo: { appName: "browser", apiDomain: "http://127.0.0.1", websiteDomain: "http://127.0.0.1" },
      recipeList: [EmailPassword.init(), Session.init()],
    });
    app = await startFastifyApp((a) => {
      a.get("/", async (_req, reply) => reply.type("text/html").send(PAGE_HTML));
      a.get("/app.js", async (_req, reply) => reply.type("text/javascript").send(bundle));
    });
  });
  afterAll(async () => {
    await app.close();
    await corelens.close();
  });

  for (const mode of MODES) {
    it(`${mode} mode: sign up, protected call, expiry + automatic refresh, sign out, sign in`, async () => {
      const page = await browser.context.newPage();
      try {
        await runFlows(page, `${app.url}/?mode=${mode}`, "/api/me", mode);
      } finally {
        await page.close();
        await browser.context.clearCookies();
      }
    }, 60_000);
  }
});

describe("standalone server (corelens serve) with a website backend using introspection", () => {
  let child: ChildProcess;
  let authUrl: string;
  let website: Server;
  let websiteUrl: string;

  beforeAll(async () => {
    // The website (another origin): the page, and a protected API checking the session through introspection,
    // as a backend in another language would.
    website = createServer(async (req, res) => {
      if (req.url?.startsWith("/app.js")) {
        res.setHeader("content-type", "text/javascript");
        res.end(bundle);
      } else if (req.url?.startsWith("/api/me")) {
        const auth = req.headers.authorization;
        const cookie = /(?:^|;\s*)sAccessToken=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
        const token = auth?.startsWith("Bearer ") ? auth.slice(7) : cookie === undefined ? undefined : decodeURIComponent(cookie);
        res.setHeader("content-type", "application/json");
        if (token === undefined) {
          res.statusCode = 401;
          res.end(JSON.stringify({ message: "unauthorised" }));
          return;
        }
        const answer = await fetch(`${authUrl}/auth/session/introspect`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ accessToken: token }),
        });
        const body = (await answer.json()) as { status: string; userId?: string };
        if (body.status === "OK") res.end(JSON.stringify({ userId: body.userId }));
        else {
          // What the frontend SDK understands: refresh on "try refresh token", sign out on "unauthorised".
          res.statusCode = 401;
          res.end(JSON.stringify({ message: body.status === "TRY_REFRESH_TOKEN" ? "try refresh token" : "unauthorised" }));
        }
      } else {
        res.setHeader("content-type", "text/html");
        res.end(PAGE_HTML);
      }
    });
    await new Promise<void>((resolve) => website.listen(0, "127.0.0.1", resolve));
    websiteUrl = `http://127.0.0.1:${(website.address() as AddressInfo).port}`;

    child = spawn(
      process.execPath,
      [CLI, "serve", "--connection-uri", core.url, "--api-domain", "http://127.0.0.1", "--website-domain", websiteUrl, "--port", "0", "--no-telemetry"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    authUrl = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`corelens serve exited ${code}`)));
    });
  }, 30_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await new Promise<void>((resolve) => {
      website?.close(() => resolve());
      website?.closeAllConnections();
    });
  });

  for (const mode of MODES) {
    it(`${mode} mode: the same flows, cross-origin to the auth server`, async () => {
      const page = await browser.context.newPage();
      try {
        await runFlows(page, `${websiteUrl}/?mode=${mode}&api=${encodeURIComponent(authUrl)}`, `${websiteUrl}/api/me`, mode);
      } finally {
        await page.close();
        await browser.context.clearCookies();
      }
    }, 60_000);
  }
});
