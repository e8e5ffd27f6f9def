/** 429 handling (backoff, Retry-After honoured and capped, another host preferred, bounded) and timeouts. */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { callCore, CoreError, CoreTimeoutError, CoreUnavailableError } from "../../src/index.js";
import { startCoreServer, sendJson, type CoreServer, type Handler } from "../helpers/coreServer.js";
import { faults, startBacklogFullHost, type BlackholeHost } from "../helpers/faults.js";
import { closeCorelens, initWith } from "../helpers/init.js";

const opened: { close(): Promise<void> }[] = [];
async function server(handler?: Handler): Promise<CoreServer> {
  const s = await startCoreServer(handler ? { handler } : {});
  opened.push(s);
  return s;
}
afterEach(async () => {
  await closeCorelens();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

/** Answers 429 (with these headers) `times` times, then 200. Records when each request arrived. */
function limitedThenOk(times: number, headers: Record<string, string> = {}): { handler: Handler; arrivals: number[] } {
  const arrivals: number[] = [];
  let n = 0;
  return {
    arrivals,
    handler: (_req, res) => {
      arrivals.push(performance.now());
      if (n++ < times) {
        res.writeHead(429, headers);
        res.end("Too many requests");
      } else sendJson(res, 200, { status: "OK" });
    },
  };
}

describe("429", () => {
  it("is retried until it succeeds (default backoff, no Retry-After)", async () => {
    const l = limitedThenOk(2);
    const core = await server(l.handler);
    initWith(core.origin, { cdiVersion: "5.4" });
    await expect(callCore({ method: "post", path: "/recipe/x", body: {} })).resolves.toEqual({ status: "OK" });
    expect(core.calls()).toHaveLength(3);
  });

  it("gives up after maxRetries with a CoreError 429 (maxRetries + 1 requests in all)", async () => {
    const core = await server(faults.status(429, { "retry-after": "0" }));
    initWith(core.origin, { cdiVersion: "5.4", maxRetries: 3 });
    const err = await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).status).toBe(429);
    expect(core.calls()).toHaveLength(4);
  });

  it("maxRetries: 0 turns retries off", async () => {
    const core = await server(faults.status(429));
    initWith(core.origin, { cdiVersion: "5.4", maxRetries: 0 });
    await expect(callCore({ method: "get", path: "/recipe/x" })).rejects.toMatchObject({ status: 429 });
    expect(core.calls()).toHaveLength(1);
  });

  it("honours Retry-After (seconds): the retry waits for it", async () => {
    const l = limitedThenOk(1, { "retry-after": "1" });
    const core = await server(l.handler);
    initWith(core.origin, { cdiVersion: "5.4" });
    await callCore({ method: "get", path: "/recipe/x" });
    // The default backoff would retry after 10 ms; Retry-After asked for 1 s.
    expect(l.arrivals[1]! - l.arrivals[0]!).toBeGreaterThanOrEqual(950);
  });

  it("caps Retry-After at maxRetryAfterMs", async () => {
    const l = limitedThenOk(1, { "retry-after": "3600" });
    const core = await server(l.handler);
    initWith(core.origin, { cdiVersion: "5.4", maxRetryAfterMs: 50 });
    // Without the cap this call would wait an hour and the test would time out.
    await expect(callCore({ method: "get", path: "/recipe/x" })).resolves.toEqual({ status: "OK" });
  });

  it("prefers another host for the retry", async () => {
    const limited = await server(faults.status(429, { "retry-after": "0" }));
    const fine = await server();
    initWith([limited.origin, fine.origin], { cdiVersion: "5.4" });
    await expect(callCore({ method: "post", path: "/recipe/x", body: {} })).resolves.toEqual({ status: "OK" });
    expect(limited.calls()).toHaveLength(1);
    expect(fine.calls()).toHaveLength(1);
  });
});

describe("request timeout", () => {
  it("a stalled GET fails over to the next host", async () => {
    const stalled = await server(faults.stall);
    const fine = await server();
    initWith([stalled.origin, fine.origin], { cdiVersion: "5.4", requestTimeoutMs: 200 });
    await expect(callCore({ method: "get", path: "/recipe/x" })).resolves.toEqual({ status: "OK" });
    expect(stalled.calls()).toHaveLength(1);
    expect(fine.calls()).toHaveLength(1);
  });

  it("a stalled write is not retried: CoreTimeoutError, the other host never sees it", async () => {
    const stalled = await server(faults.stall);
    const fine = await server();
    initWith([stalled.origin, fine.origin], { cdiVersion: "5.4", requestTimeoutMs: 200 });
    const err = await callCore({ method: "post", path: "/recipe/x", body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreTimeoutError);
    expect(err).toMatchObject({ phase: "request", notRetried: true, method: "POST", path: "/recipe/x" });
    expect((err as Error).message).toContain("200 ms");
    expect(fine.calls()).toHaveLength(0);
  });

  it("only timeouts everywhere → CoreTimeoutError naming each host", async () => {
    const s1 = await server(faults.stall);
    const s2 = await server(faults.stall);
    initWith([s1.origin, s2.origin], { cdiVersion: "5.4", requestTimeoutMs: 150 });
    const err = (await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e)) as CoreTimeoutError;
    expect(err).toBeInstanceOf(CoreTimeoutError);
    expect(err.failures.map((f) => f.host).sort()).toEqual([s1.origin, s2.origin].sort());
    expect(err.failures.map((f) => f.attempts)).toEqual([1, 1]); // timed-out hosts are not tried twice
    expect(err.notRetried).toBe(false);
  });

  it("a body that stops mid-way also times out", async () => {
    const slowBody = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":'); // and never finishes
    });
    initWith(slowBody.origin, { cdiVersion: "5.4", requestTimeoutMs: 150 });
    await expect(callCore({ method: "get", path: "/recipe/x" })).rejects.toBeInstanceOf(CoreTimeoutError);
  });
});

describe("connect timeout", () => {
  let blackhole: BlackholeHost | undefined;
  afterEach(async () => {
    await blackhole?.close();
    blackhole = undefined;
  });

  it("a host whose TCP handshake never completes: connect timeout, marked down, failover (even for a write)", async () => {
    blackhole = await startBacklogFullHost();
    const fine = await server();
    initWith([blackhole.origin, fine.origin], { cdiVersion: "5.4", connectTimeoutMs: 200, requestTimeoutMs: 5_000 });
    await expect(callCore({ method: "post", path: "/recipe/x", body: { n: 1 } })).resolves.toEqual({ status: "OK" });
    await expect(callCore({ method: "post", path: "/recipe/x", body: { n: 2 } })).resolves.toEqual({ status: "OK" });
    expect(fine.calls().map((r) => r.json)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("alone: CoreTimeoutError with phase connect and the configured value", async () => {
    blackhole = await startBacklogFullHost();
    initWith(blackhole.origin, { cdiVersion: "5.4", connectTimeoutMs: 200 });
    const err = await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreTimeoutError);
    expect(err).toMatchObject({ phase: "connect" });
    expect((err as Error).message).toContain("no connection within 200 ms");
  });

  it("mixed failures (refused + timeout) → CoreUnavailableError listing both", async () => {
    blackhole = await startBacklogFullHost();
    const resetting = await server(faults.resetBeforeResponse);
    initWith([blackhole.origin, resetting.origin], { cdiVersion: "5.4", connectTimeoutMs: 200 });
    const err = (await callCore({ method: "get", path: "/recipe/x" }).catch((e: unknown) => e)) as CoreUnavailableError;
    expect(err).toBeInstanceOf(CoreUnavailableError);
    expect(err.failures.map((f) => f.code).sort()).toEqual(["UND_ERR_SOCKET", "connect_timeout"].sort());
    // The timed-out host had its full time and is not tried again; the resetting one is (all down → once more).
    expect(err.failures.map((f) => f.attempts).sort()).toEqual([1, 2]);
  });
});
