/**
 * For the browser tests: the page (supertokens-web-js bundled by esbuild),
 * Debian's chromium driven by playwright-core with a fresh profile, and the
 * flows every backend must pass.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";

export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("./page/app.mjs", import.meta.url))],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    write: false,
    logLevel: "warning",
  });
  return result.outputFiles[0]!.text;
}

export const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>corelens</title></head>
<body><script src="/app.js"></script></body></html>`;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "corelens-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

type Flows = {
  signUp(email: string, password: string): Promise<string>;
  signIn(email: string, password: string): Promise<string>;
  emailExists(email: string): Promise<boolean>;
  sessionExists(): Promise<boolean>;
  userId(): Promise<string>;
  payload(): Promise<Record<string, any>>;
  protectedCall(url: string): Promise<{ status: number; body: any }>;
  signOut(): Promise<void>;
};

/** Calls globalThis.flows[name](...args) in the page. */
export function flow<K extends keyof Flows>(page: Page, name: K, ...args: Parameters<Flows[K]>): ReturnType<Flows[K]> {
  return page.evaluate(
    ([n, a]) => (globalThis as unknown as { flows: Record<string, (...x: unknown[]) => unknown> }).flows[n as string]!(...(a as unknown[])),
    [name, args] as const,
  ) as ReturnType<Flows[K]>;
}

let counter = 0;
export const freshEmail = (tag: string) => `${tag}-${process.pid}-${Date.now()}-${++counter}@example.com`;

/**
 * Sign up, a protected call, expiry and the SDK's automatic refresh, sign out,
 * sign in again: what a real frontend does, in the given page.
 */
export async function runFlows(page: Page, pageUrl: string, protectedUrl: string, mode: "cookie" | "header"): Promise<void> {
  await page.goto(pageUrl);
  await page.waitForFunction(() => (globalThis as unknown as { flowsReady?: boolean }).flowsReady === true);
  const email = freshEmail(`browser-${mode}`);
  expect(await flow(page, "sessionExists")).toBe(false);
  expect(await flow(page, "signUp", email, "password123")).toBe("OK");
  expect(await flow(page, "emailExists", email)).toBe(true);
  expect(await flow(page, "sessionExists")).toBe(true);
  const userId = await flow(page, "userId");

  const first = await flow(page, "protectedCall", protectedUrl);
  expect(first).toEqual({ status: 200, body: expect.objectContaining({ userId }) });
  const before = await flow(page, "payload");

  const cookies = await page.context().cookies();
  const access = cookies.find((c) => c.name === "sAccessToken");
  if (mode === "cookie") {
    expect(access?.httpOnly).toBe(true);
    expect(cookies.find((c) => c.name === "sRefreshToken")?.path).toBe("/auth/session/refresh");
  } else {
    expect(access).toBeUndefined();
  }

  // Past the access token's expiry: the protected call gets a 401, the SDK refreshes and retries by itself.
  await new Promise((r) => setTimeout(r, Math.max(0, before.exp * 1000 - Date.now()) + 200));
  const afterExpiry = await flow(page, "protectedCall", protectedUrl);
  expect(afterExpiry).toEqual({ status: 200, body: expect.objectContaining({ userId }) });
  const after = await flow(page, "payload");
  expect(after.exp).toBeGreaterThan(before.exp);
  expect(after.sessionHandle).toBe(before.sessionHandle);

  await flow(page, "signOut");
  expect(await flow(page, "sessionExists")).toBe(false);
  expect((await flow(page, "protectedCall", protectedUrl)).status).toBe(401);

  expect(await flow(page, "signIn", email, "password123")).toBe("OK");
  expect(await flow(page, "signIn", email, "wrong-password1")).toBe("WRONG_CREDENTIALS_ERROR");
  const again = await flow(page, "protectedCall", protectedUrl);
  expect(again.status).toBe(200);
  expect(again.body.userId).toBe(userId);
  await flow(page, "signOut");
}
