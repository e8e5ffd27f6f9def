/** Pure policy pieces: 429 delays, what each failure leads to, version choice. */
import { describe, expect, it } from "vitest";
import { highestCommon } from "../../src/querier/apiVersion.js";
import { afterTransportFailure, marksHostDown, rateLimitDelayMs } from "../../src/querier/retry.js";

describe("rateLimitDelayMs", () => {
  it("without Retry-After: 10 + 250·n ms, as the official SDKs", () => {
    expect([0, 1, 2, 3, 4].map((n) => rateLimitDelayMs(undefined, n, 60_000))).toEqual([10, 260, 510, 760, 1010]);
  });
  it("Retry-After in seconds, or as an HTTP date; capped; garbage falls back to the backoff", () => {
    expect(rateLimitDelayMs("2", 0, 60_000)).toBe(2_000);
    expect(rateLimitDelayMs("0.5", 0, 60_000)).toBe(500);
    const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
    expect(rateLimitDelayMs(inTwoSeconds, 0, 60_000)).toBeGreaterThan(0);
    expect(rateLimitDelayMs(inTwoSeconds, 0, 60_000)).toBeLessThanOrEqual(2_000);
    expect(rateLimitDelayMs("Thu, 01 Jan 1970 00:00:00 GMT", 0, 60_000)).toBe(0);
    expect(rateLimitDelayMs("3600", 0, 5_000)).toBe(5_000);
    expect(rateLimitDelayMs("soon", 1, 60_000)).toBe(260);
  });
});

describe("afterTransportFailure", () => {
  it("connection failures and connect timeouts fail over for every method; after the request reached the core only a GET does", () => {
    for (const m of ["GET", "POST", "PUT", "DELETE", "PATCH"] as const) {
      expect(afterTransportFailure("connection", m)).toBe("failover");
      expect(afterTransportFailure("connect_timeout", m)).toBe("failover");
      expect(afterTransportFailure("request_timeout", m)).toBe(m === "GET" ? "failover" : "throw");
      expect(afterTransportFailure("broken_response", m)).toBe(m === "GET" ? "failover" : "throw");
    }
    expect([marksHostDown("connection"), marksHostDown("connect_timeout"), marksHostDown("request_timeout"), marksHostDown("broken_response")]).toEqual([true, true, false, false]);
  });
});

describe("highestCommon", () => {
  it("compares versions numerically", () => {
    expect(highestCommon(["5.4", "5.10"], ["5.4", "5.10", "6.0"])).toBe("5.10");
    expect(highestCommon(["5.3", "5.4"], ["5.4", "5.3"])).toBe("5.4");
    expect(highestCommon(["5.3"], ["5.4"])).toBeUndefined();
  });
});
