/**
 * The host pool: which core host an attempt goes to.
 *
 * - Round robin: each call starts one host further than the previous call,
 *   which spreads load across hosts (as the official SDKs do).
 * - A host that fails at the connection level is marked down for a cooldown
 *   that doubles on each consecutive failure (1 s, 2 s, 4 s ... 30 s) and is
 *   skipped while other hosts are up. One success clears it.
 * - "All down → try all once more": a call first tries, once each, the hosts
 *   that are up. When none is left (all failed, or all were down already),
 *   it makes one more round over every host, down ones included, except those
 *   that timed out in this call (they already had their full time). So a call
 *   never fails without each host having been tried, and a single host gets a
 *   second chance after a one-off reset (e.g. a keep-alive socket closed by the
 *   core at the wrong moment).
 *
 * The state is a few flat arrays: picking a host costs no allocation.
 */
import type { CoreHost } from "../config/types.js";

const BASE_COOLDOWN_MS = 1_000;
const MAX_COOLDOWN_MS = 30_000;

export class HostPool {
  readonly hosts: readonly CoreHost[];
  private cursor = 0;
  /** Epoch ms until which each host is down; 0 = up. */
  private readonly downUntil: number[];
  /** Consecutive connection failures per host. */
  private readonly failures: number[];

  constructor(hosts: readonly CoreHost[]) {
    this.hosts = hosts;
    this.downUntil = hosts.map(() => 0);
    this.failures = hosts.map(() => 0);
  }

  get size(): number {
    return this.hosts.length;
  }

  /** Where a new call starts: advances the round-robin cursor. */
  nextStart(): number {
    const n = this.hosts.length;
    if (n === 1) return 0;
    const start = this.cursor;
    this.cursor = start + 1 === n ? 0 : start + 1;
    return start;
  }

  /**
   * The host for the next attempt, scanning from `from` in round-robin order:
   * the first host not in `excluded` (a bit set) that is up, or, when `upOnly`
   * is false, the first one not excluded at all. -1 when there is none.
   */
  pick(from: number, excluded: number, upOnly: boolean): number {
    const n = this.hosts.length;
    let now = 0;
    for (let k = 0; k < n; k++) {
      const i = (from + k) % n;
      if (excluded & (1 << i)) continue;
      if (!upOnly) return i;
      const until = this.downUntil[i]!;
      if (until === 0) return i;
      if (now === 0) now = Date.now();
      if (until <= now) return i; // cooldown over: worth a try
    }
    return -1;
  }

  isDown(i: number): boolean {
    const until = this.downUntil[i]!;
    return until !== 0 && until > Date.now();
  }

  markDown(i: number): void {
    const now = Date.now();
    // Calls in flight when a host dies all fail at once: that is one failure,
    // not many. The cooldown only grows when a host fails again after it.
    if (this.downUntil[i]! > now) return;
    const f = ++this.failures[i]!;
    const cooldown = Math.min(MAX_COOLDOWN_MS, BASE_COOLDOWN_MS * 2 ** Math.min(f - 1, 16));
    this.downUntil[i] = now + cooldown;
  }

  markUp(i: number): void {
    // Cheap on the hot path: nothing to write when the host was already fine.
    if (this.failures[i] !== 0) {
      this.failures[i] = 0;
      this.downUntil[i] = 0;
    }
  }
}

/** Bit sets hold one bit per host; connectionURI is limited to this many hosts. */
export const MAX_HOSTS = 30;
