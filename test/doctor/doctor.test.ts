import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDoctor } from "../../src/cli/doctor.js";
import { startDevCore, type DevCore } from "../../src/devcore/index.js";
import { sendText, startCoreServer, type CoreServer } from "../helpers/coreServer.js";
import { refusedPort } from "../helpers/faults.js";

const API_KEY = "doctor-test-api-key-0123456789";

async function doctor(args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runDoctor(args, (line) => lines.push(line));
  return { code, output: lines.join("\n") };
}

describe("corelens doctor", () => {
  let core: DevCore;
  let oldCore: CoreServer;
  let notACore: CoreServer;

  beforeAll(async () => {
    core = await startDevCore({ port: 0, apiKeys: [API_KEY] });
    oldCore = await startCoreServer({
      versions: ["2.9", "3.0"],
      handler: (req, res) => (req.path === "/hello" ? sendText(res, 200, "Hello") : sendText(res, 404, "Not found")),
    });
    notACore = await startCoreServer({ versions: null, handler: (_req, res) => sendText(res, 404, "Cannot GET") });
  });
  afterAll(async () => {
    await core.close();
    await oldCore.close();
    await notACore.close();
  });

  it("reports a healthy dev core with its CDI version and latency, and exits 0", async () => {
    const { code, output } = await doctor(["--connection-uri", core.url, "--api-key", API_KEY, "--samples", "3"]);
    expect(code).toBe(0);
    const row = output.split("\n").find((l) => l.startsWith(core.url))!;
    expect(row).toMatch(/ok\s+ok\s+5\.4\s+ok\s+[\d.]+ ms\s+[\d.]+ ms\s+healthy/);
    expect(output).toContain("1 of 1 host healthy");
    expect(output).not.toContain(API_KEY);
  });

  it("names a dead host, says what to do, and exits 1 while the healthy host still passes", async () => {
    const port = await refusedPort();
    const { code, output } = await doctor(["--connection-uri", `${core.url};http://127.0.0.1:${port}`, "--api-key", API_KEY, "--samples", "1"]);
    expect(code).toBe(1);
    expect(output).toContain(`http://127.0.0.1:${port}: nothing is listening on 127.0.0.1:${port} (connection refused)`);
    expect(output).toContain("1 of 2 hosts healthy");
  });

  it("tells a wrong API key from a missing one", async () => {
    const wrong = await doctor(["--connection-uri", core.url, "--api-key", "not-the-right-key-000000000", "--samples", "1"]);
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain("the core rejected the API key (401)");
    expect(wrong.output).not.toContain("not-the-right-key-000000000");

    const missing = await doctor(["--connection-uri", core.url, "--samples", "1"]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain("the core requires an API key (401). Pass it as --api-key");
  });

  it("flags a core with no CDI version in common, listing both sides", async () => {
    const { code, output } = await doctor(["--connection-uri", oldCore.origin, "--samples", "1"]);
    expect(code).toBe(1);
    expect(output).toContain("no CDI version in common: the core speaks 2.9, 3.0, corelens speaks 5.3, 5.4");
  });

  it("flags a server that is not a core (or a wrong base path)", async () => {
    const { code, output } = await doctor(["--connection-uri", notACore.origin, "--samples", "1", "--json"]);
    expect(code).toBe(1);
    const [report] = JSON.parse(output);
    expect(report).toMatchObject({ reachable: "ok", hello: "failed", healthy: false });
    expect(report.fixes.join(" ")).toContain("base path in connectionURI is probably wrong");
  });

  it("rejects an unparsable connectionURI with the config error and exit code 2", async () => {
    const { code, output } = await doctor(["--connection-uri", "not a url"]);
    expect(code).toBe(2);
    expect(output).toContain("supertokens.connectionURI");
  });

  it("rejects a --samples or --timeout-ms that is not a whole number with exit code 2, before any check", async () => {
    for (const [flag, value] of [["--samples", "abc"], ["--timeout-ms", "x"], ["--timeout-ms", "0"]] as const) {
      const { code, output } = await doctor(["--connection-uri", core.url, flag, value]);
      expect(code).toBe(2);
      expect(output).toContain(flag);
      expect(output).not.toContain("HOST");
    }
  });
});

describe("npx corelens doctor (the built CLI)", () => {
  it("runs as a subcommand and exits with the health as its code", async () => {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    const { fileURLToPath } = await import("node:url");
    const cli = fileURLToPath(new URL("../../dist/src/cli/index.js", import.meta.url));
    const core = await startDevCore({ port: 0 });
    try {
      const ok = await promisify(execFile)(process.execPath, [cli, "doctor", "--connection-uri", core.url, "--samples", "1"]);
      expect(ok.stdout).toContain("1 of 1 host healthy");
      const port = await refusedPort();
      const dead = await promisify(execFile)(process.execPath, [cli, "doctor", "--connection-uri", `http://127.0.0.1:${port}`]).catch((e) => e);
      expect(dead.code).toBe(1);
      expect(dead.stdout).toContain("connection refused");
    } finally {
      await core.close();
    }
  });
});
