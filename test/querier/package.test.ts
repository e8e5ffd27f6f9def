/**
 * The built package as a user's process loads it: `require("corelens")` through
 * Node's require(esm), and DEBUG=corelens logging to stderr.
 * These run against dist/: `npm test` builds it first (`npm run build` by hand otherwise).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCoreServer, type CoreServer } from "../helpers/coreServer.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));

let core: CoreServer;
beforeAll(async () => {
  if (!existsSync(`${root}/dist/src/index.js`)) {
    throw new Error("dist/ is missing: run `npm run build` first (`npm test` does it)");
  }
  core = await startCoreServer();
});
afterAll(async () => {
  await core.close();
});

describe("the built package", () => {
  it('require("corelens") works (require(esm)) and has init, callCore and the error classes', async () => {
    const { stdout } = await run(
      process.execPath,
      ["-e", 'const c = require("corelens"); console.log(JSON.stringify([typeof c.default.init, typeof c.init, typeof c.callCore, typeof c.CoreError, typeof c.InterceptorError]))'],
      { cwd: root },
    );
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual(["function", "function", "function", "function", "function"]);
  });

  it("DEBUG=corelens writes one line per core request to stderr, without header values", async () => {
    const script = `
      import corelens from "corelens";
      corelens.init({ supertokens: { connectionURI: process.env.CORE, apiKey: "never-printed-key-0123456789" }, appInfo: { appName: "a", apiDomain: "http://localhost:1", websiteDomain: "http://localhost:2" } });
      await corelens.callCore({ method: "post", path: "/recipe/x", body: {} });
      await corelens.close();
    `;
    const { stderr } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      env: { ...process.env, DEBUG: "corelens", CORE: core.origin },
    });
    const lines = stderr.split("\n").filter((l) => l.startsWith("corelens core-call"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^corelens core-call GET \/apiversion status=200 ms=[\d.]+ attempt=1 host=http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^corelens core-call POST \/recipe\/x status=200 /);
    expect(stderr).not.toContain("never-printed-key");
  });
});
