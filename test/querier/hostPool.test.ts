/** The host pool's bookkeeping: round robin, cooldown growth, and picking down hosts last. Pure logic, fake clock. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { HostPool } from "../../src/querier/hosts.js";

const hosts = ["a", "b", "c"].map((h) => ({ origin: `http://${h}`, basePath: "", label: `http://${h}` }));

afterEach(() => {
  vi.useRealTimers();
});

describe("HostPool", () => {
  it("starts each call one host further", () => {
    const pool = new HostPool(hosts);
    expect([pool.nextStart(), pool.nextStart(), pool.nextStart(), pool.nextStart()]).toEqual([0, 1, 2, 0]);
  });

  it("round 1 picks only hosts that are up; round 2 picks any host not excluded", () => {
    const pool = new HostPool(hosts);
    pool.markDown(0);
    expect(pool.pick(0, 0, true)).toBe(1);
    pool.markDown(1);
    pool.markDown(2);
    expect(pool.pick(0, 0, true)).toBe(-1); // all down: nothing up
    expect(pool.pick(0, 0, false)).toBe(0); // tried anyway, in order
    expect(pool.pick(0, 0b001, false)).toBe(1);
    expect(pool.pick(0, 0b111, false)).toBe(-1);
  });

  it("the cooldown doubles on each failure after the previous cooldown, and one success clears it", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(0);
    const pool = new HostPool(hosts);
    pool.markDown(0);
    pool.markDown(0); // same outage (still cooling down): does not grow
    vi.setSystemTime(999);
    expect(pool.isDown(0)).toBe(true);
    vi.setSystemTime(1_000);
    expect(pool.isDown(0)).toBe(false);
    pool.markDown(0); // failed again after its cooldown: 2 s now
    vi.setSystemTime(2_999);
    expect(pool.isDown(0)).toBe(true);
    vi.setSystemTime(3_000);
    expect(pool.isDown(0)).toBe(false);
    pool.markUp(0);
    pool.markDown(0); // back to 1 s
    vi.setSystemTime(4_000);
    expect(pool.isDown(0)).toBe(false);
  });
});
