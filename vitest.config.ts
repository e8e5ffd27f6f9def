import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real sockets and child processes: give slow shared machines room, but bound everything.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Files run in separate forks so process-global state (init, OpenTelemetry globals) never leaks between them.
    pool: "forks",
  },
});
