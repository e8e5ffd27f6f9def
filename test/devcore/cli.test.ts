/**
 * The `corelens devcore` command as users run it: the built CLI (dist/, made
 * by `npm run build`, which `npm test` runs first) spawned as a child process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../dist/src/cli/index.js", import.meta.url));
const READY = /^corelens devcore listening on http:\/\/127\.0\.0\.1:(\d+)$/;
const dir = mkdtempSync(join(tmpdir(), "corelens-cli-"));
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): { child: ChildProcessWithoutNullStreams; stdout: () => string; stderr: () => string; exited: Running["exited"] } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function startCli(args: string[]): Promise<Running> {
  const r = run(["devcore", "--port", "0", ...args]);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${r.stderr()}`)), 20_000);
    const check = () => {
      const line = r.stdout().split("\n")[0]!;
      const m = READY.exec(line);
      if (m && r.stdout().endsWith("\n")) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    r.child.stdout.on("data", check);
    void r.exited.then(() => reject(new Error(`exited before ready; stderr: ${r.stderr()}`)));
  });
  return { child: r.child, url, stdout: r.stdout, exited: r.exited };
}

describe("corelens devcore (built CLI)", () => {
  it("is built with a node shebang", () => {
    expect(existsSync(CLI)).toBe(true);
    expect(readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("prints exactly one ready line, serves the CDI with the API key, and exits 0 on SIGTERM", async () => {
    const key = "cli-test-key-0123456789";
    const core = await startCli(["--api-key", key, "--access-token-validity", "120"]);
    expect((await (await fetch(`${core.url}/hello`)).text())).toBe("Hello");
    expect((await fetch(`${core.url}/apiversion`)).status).toBe(401);
    expect((await fetch(`${core.url}/apiversion`, { headers: { "api-key": key } })).status).toBe(200);
    const created = await fetch(`${core.url}/recipe/session`, {
      method: "POST",
      headers: { "api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ userId: "u", userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false }),
    });
    const at = ((await created.json()) as { accessToken: { expiry: number; createdTime: number } }).accessToken;
    expect(at.expiry - at.createdTime).toBe(120_000);
    core.child.kill("SIGTERM");
    expect(await core.exited).toEqual({ code: 0, signal: null });
    expect(core.stdout().split("\n")).toHaveLength(2);
    expect(core.stdout()).not.toContain(key);
  });

  it("exits 0 on SIGINT", async () => {
    const core = await startCli([]);
    core.child.kill("SIGINT");
    expect(await core.exited).toEqual({ code: 0, signal: null });
  });

  it("keeps data in --data FILE across restarts", async () => {
    const data = join(dir, "cli.db");
    const post = (url: string, path: string, body: unknown) =>
      fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ status: string }>);
    let core = await startCli(["--data", data]);
    expect((await post(core.url, "/recipe/signup", { email: "cli@example.com", password: "pw" })).status).toBe("OK");
    core.child.kill("SIGTERM");
    await core.exited;
    core = await startCli(["--data", data]);
    expect((await post(core.url, "/recipe/signin", { email: "cli@example.com", password: "pw" })).status).toBe("OK");
    core.child.kill("SIGTERM");
    expect((await core.exited).code).toBe(0);
  });

  it("refuses bad options and unknown commands with a message and a non-zero exit", async () => {
    const badPort = run(["devcore", "--port", "nope"]);
    expect((await badPort.exited).code).toBe(2);
    expect(badPort.stderr()).toContain("--port must be a whole number");
    const unknownFlag = run(["devcore", "--colour"]);
    expect((await unknownFlag.exited).code).toBe(2);
    expect(unknownFlag.stderr()).toMatch(/colour/);
    const badValidity = run(["devcore", "--port", "0", "--access-token-validity", "0"]);
    expect((await badValidity.exited).code).toBe(1);
    expect(badValidity.stderr()).toContain("accessTokenValidity must be a positive whole number");
    const first = await startCli([]);
    const busy = run(["devcore", "--port", new URL(first.url).port]);
    expect((await busy.exited).code).toBe(1);
    expect(busy.stderr()).toMatch(/port is in use/);
    first.child.kill("SIGTERM");
    await first.exited;
    const unknown = run(["nonsense"]);
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.stderr()).toContain("unknown command 'nonsense'");
    const help = run(["devcore", "--help"]);
    expect((await help.exited).code).toBe(0);
    expect(help.stdout()).toContain("--refresh-token-validity");
  });
});
