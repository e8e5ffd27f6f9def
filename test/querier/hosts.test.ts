/**
 * connectionURI hosts: base path per host, round robin, failover on
 * connection-level failures, down-marking, "all down → try all once more",
 * and an error naming each host when none answers.
 */
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callCore, CoreError, CoreUnavailableError } from "../../src/index.js";
import { startCoreServer, type CoreServer } from "../helpers/coreServer.js";
import { faults, refusedPort } from "../helpers/faults.js";
import { closeCorelens, initWith } from "../helpers/init.js";

const servers: CoreServer[] = [];
async function server(...args: Parameters<typeof startCoreServer>): Promise<CoreServer> {
  const s = await startCoreServer(...args);
  servers.push(s);
  return s;
}
let a: CoreServer;
let b: CoreServer;
let c: CoreServer;
beforeAll(async () => {
  [a, b, c] = await Promise.all([server(), server(), server()]);
});
afterEach(async () => {
  await closeCorelens();
  for (const s of servers) s.requests.length = 0;
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe("connectionURI", () => {
  it("sends to each host's base path; whitespace and empty entries are ignored", async () => {
    initWith(` ${a.origin}/appid-x/ ;; ${b.origin} ;`, { cdiVersion: "5.4" });
    await callCore({ method: "get", path: "/<tenantId>/recipe/user", pathParams: { tenantId: "t1" } });
    await callCore({ method: "get", path: "/<tenantId>/recipe/user", pathParams: { tenantId: "t1" } });
    expect(a.calls().map((r) => r.path)).toEqual(["/appid-x/t1/recipe/user"]);
    expect(b.calls().map((r) => r.path)).toEqual(["/t1/recipe/user"]);
  });

  it("path params are URL-encoded (a tenant id cannot add a path segment)", async () => {
    initWith(a.origin, { cdiVersion: "5.4" });
    await callCore({ method: "get", path: "/<tenantId>/recipe/user", pathParams: { tenantId: "a/b c" } });
    expect(a.calls()[0]!.path).toBe("/a%2Fb%20c/recipe/user");
  });
});

describe("round robin and failover", () => {
  it("spreads calls across hosts in turn", async () => {
    initWith([a.origin, b.origin, c.origin], { cdiVersion: "5.4" });
    for (let i = 0; i < 9; i++) await callCore({ method: "get", path: "/recipe/x" });
    expect([a.calls().length, b.calls().length, c.calls().length]).toEqual([3, 3, 3]);
  });

  it("a refused host fails over to the next, for a write too, and is then skipped while down", async () => {
    const dead = `http://127.0.0.1:${await refusedPort()}`;
    initWith([dead, a.origin], { cdiVersion: "5.4" });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await callCore({ method: "post", path: "/recipe/x", body: { i } }));
    expect(results).toEqual(Array(4).fill({ status: "OK" }));
    expect(a.calls().map((r) => (r.json as { i: number }).i)).toEqual([0, 1, 2, 3]);
  });

  it("a failed host is skipped while down: round robin does not send it the next calls", async () => {
    const resetting = await server({ handler: faults.resetBeforeResponse });
    initWith([resetting.origin, a.origin], { cdiVersion: "5.4" });
    for (let i = 0; i < 6; i++) await callCore({ method: "get", path: "/recipe/x" });
    // Without down-marking, round robin would start 3 of the 6 calls on it.
    expect(resetting.calls()).toHaveLength(1);
    expect(a.calls()).toHaveLength(6);
  });

  it("a host whose name does not resolve (DNS failure) fails over", async () => {
    // A resolver that knows only "localhost-a.test" (→ 127.0.0.1), so no lookup leaves the machine.
    const lookup = (hostname: string, options: any, cb: (...args: any[]) => void) => {
      if (hostname !== "localhost-a.test") return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }));
      if (options?.all) return cb(null, [{ address: "127.0.0.1", family: 4 }]);
      return cb(null, "127.0.0.1", 4);
    };
    const dispatcher = new Agent({ connect: { lookup } as never });
    try {
      initWith([`http://nowhere.test:${a.port}`, `http://localhost-a.test:${a.port}`], { cdiVersion: "5.4", dispatcher });
      await expect(callCore({ method: "post", path: "/recipe/x", body: {} })).resolves.toEqual({ status: "OK" });
      await closeCorelens();
      initWith([`http://nowhere.test:${a.port}`], { cdiVersion: "5.4", dispatcher });
      const err = (await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e)) as CoreUnavailableError;
      expect(err).toBeInstanceOf(CoreUnavailableError);
      expect(err.failures[0]!.code).toBe("ENOTFOUND");
    } finally {
      await dispatcher.close();
    }
  });

  it("a host that resets the connection before answering fails over", async () => {
    const resetting = await server({ handler: faults.resetBeforeResponse });
    initWith([resetting.origin, a.origin], { cdiVersion: "5.4" });
    await expect(callCore({ method: "post", path: "/recipe/x", body: {} })).resolves.toEqual({ status: "OK" });
    expect(resetting.calls()).toHaveLength(1);
    expect(a.calls()).toHaveLength(1);
  });

  it("a connection broken mid-response: a GET fails over, a write is not retried", async () => {
    const broken = await server({ handler: faults.resetMidResponse });
    initWith([broken.origin, a.origin], { cdiVersion: "5.4" });
    await expect(callCore({ method: "get", path: "/recipe/x" })).resolves.toEqual({ status: "OK" });
    expect(a.calls()).toHaveLength(1);

    await closeCorelens();
    a.requests.length = 0;
    initWith([broken.origin, a.origin], { cdiVersion: "5.4" });
    const err = await callCore({ method: "post", path: "/recipe/x", body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreUnavailableError);
    expect((err as Error).message).toMatch(/not retried/);
    expect(a.calls()).toHaveLength(0);
  });

  it("a 500 is the core's answer, not a host failure: no failover", async () => {
    const failing = await server({ handler: faults.status(500, {}, "Internal Error") });
    initWith([failing.origin, a.origin], { cdiVersion: "5.4" });
    const err = await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).status).toBe(500);
    expect(a.calls()).toHaveLength(0);
  });

  it("all down → all tried once more, then an error names each host and what it failed with", async () => {
    const p1 = await refusedPort();
    const resetting = await server({ handler: faults.resetBeforeResponse });
    const dead1 = `http://127.0.0.1:${p1}`;
    const hostB = `${resetting.origin}/appid-y`;
    initWith([dead1, hostB], { cdiVersion: "5.4" });
    const check = (err: unknown) => {
      expect(err).toBeInstanceOf(CoreUnavailableError);
      const failures = (err as CoreUnavailableError).failures;
      expect(failures.map((f) => f.host).sort()).toEqual([dead1, hostB].sort());
      expect(failures.find((f) => f.host === dead1)!.code).toBe("ECONNREFUSED");
      expect(failures.find((f) => f.host === hostB)!.code).toBe("UND_ERR_SOCKET");
      expect((err as Error).message).toContain(`${dead1} failed with ECONNREFUSED`);
      expect((err as Error).message).toContain(`${hostB} failed with UND_ERR_SOCKET`);
      return failures;
    };
    // Both up at first: each tried, both now down, so each is tried once more.
    const first = check(await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e));
    expect(first.map((f) => f.attempts)).toEqual([2, 2]);
    expect(resetting.calls()).toHaveLength(2);
    // Both down from the start: no up host to try, so every host is still tried once.
    resetting.requests.length = 0;
    const second = check(await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e));
    expect(second.map((f) => f.attempts)).toEqual([1, 1]);
    expect(resetting.calls()).toHaveLength(1);
  });

  it("a single host that resets once (e.g. a stale keep-alive socket) gets its second chance in the same call", async () => {
    let n = 0;
    const once = await server({ handler: (req, res) => (n++ === 0 ? faults.resetBeforeResponse(req, res) : faults.json({ status: "OK" })(req, res)) });
    initWith([once.origin], { cdiVersion: "5.4" });
    await expect(callCore({ method: "post", path: "/recipe/x", body: {} })).resolves.toEqual({ status: "OK" });
    expect(once.calls()).toHaveLength(2);
  });

  it("a host that comes back is used again", async () => {
    const flaky = await server({ handler: faults.resetBeforeResponse });
    initWith([flaky.origin], { cdiVersion: "5.4" });
    await expect(callCore({ method: "get", path: "/recipe/x" })).rejects.toBeInstanceOf(CoreUnavailableError);
    flaky.setHandler(faults.json({ status: "OK", back: true }));
    // Still in its cooldown, but the only host: tried anyway, and it answers.
    await expect(callCore({ method: "get", path: "/recipe/x" })).resolves.toEqual({ status: "OK", back: true });
  });
});

describe("under load", () => {
  it("1,000 concurrent calls while one of three hosts goes down and comes back: every call answered, none lost", async () => {
    let down = false;
    let resets = 0;
    let servedAfterComeback = 0;
    let cameBack = false;
    const seen = new Set<number>();
    const answer = (req: { json: unknown }, res: import("node:http").ServerResponse) => {
      const i = (req.json as { i: number }).i;
      seen.add(i);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "OK", i }));
    };
    const flaky = await server({
      handler: (req, res) => {
        if (down) {
          resets++;
          return faults.resetBeforeResponse(req, res);
        }
        if (cameBack) servedAfterComeback++;
        return answer(req, res);
      },
    });
    a.setHandler(answer);
    b.setHandler(answer);
    try {
      initWith([a.origin, flaky.origin, b.origin], { cdiVersion: "5.4" });
      const calls: Promise<{ i: number }>[] = [];
      // 10 waves of 100 concurrent calls, 300 ms apart: the flaky host is down for waves 2-4.
      for (let wave = 0; wave < 10; wave++) {
        if (wave === 2) down = true;
        if (wave === 5) {
          down = false;
          cameBack = true;
        }
        for (let k = 0; k < 100; k++) {
          const i = wave * 100 + k;
          calls.push(callCore({ method: "post", path: "/recipe/x", body: { i } }));
        }
        await new Promise((r) => setTimeout(r, 300));
      }
      const results = await Promise.all(calls);
      expect(results.map((r) => r.i)).toEqual([...Array(1000).keys()]);
      expect(seen.size).toBe(1000);
      expect(resets).toBeGreaterThan(0); // it really was down and failed calls over
      expect(servedAfterComeback).toBeGreaterThan(0); // and was used again once back
    } finally {
      a.setHandler(faults.json({ status: "OK" }));
      b.setHandler(faults.json({ status: "OK" }));
    }
  });
});
