/**
 * Runs an example as its README says (a child process from the repository root,
 * importing "corelens" from the built dist/), waits for its "listening on" line,
 * and stops it. Every wait is bounded.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface RunningExample {
  /** The app's base URL, from its "listening on" line. */
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then the exit (SIGKILL after 10 s). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function requireDist(): void {
  if (!existsSync(`${repoRoot}dist/src/index.js`) || !existsSync(`${repoRoot}dist/instrumentation/index.js`)) {
    throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
  }
}

export async function startExample(script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<RunningExample> {
  requireDist();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d));
  child.stderr!.on("data", (d: Buffer) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 20 s\nstdout: ${out}\nstderr: ${err}`)), 20_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  return {
    url,
    child,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        const result = await exited;
        clearTimeout(killer);
        return result;
      }
      return exited;
    },
  };
}

/** Runs a script to its end (bounded), e.g. the load script. */
export function runScript(script: string, args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: repoRoot, env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** JSON over HTTP to the example app, as a browser would call it. */
export async function callApp(
  url: string,
  tenantId: string,
  method: string,
  path: string,
  options: { body?: unknown; accessToken?: string } = {},
): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { "x-tenant-id": tenantId };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
  const res = await fetch(url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  return { status: res.status, json: await res.json() };
}
