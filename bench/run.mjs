// `npm run bench`: corelens against raw undici and supertokens-node, in one run, as ratios.
//
// One stub core in its own process; each client in its own process (bench/client.mjs), the
// same call at the same concurrency; every measurement repeated and the median reported,
// clients interleaved run by run so that a noisy neighbour hurts them all alike.
//
//   node bench/run.mjs            full run (targets checked, bench/results.json written)
//   node bench/run.mjs --smoke    a short run for CI: every client once, few calls, no targets
import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = fileURLToPath(new URL(".", import.meta.url));
const { values: args } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    calls: { type: "string" },
    runs: { type: "string" },
  },
});
const smoke = args.smoke;
const calls = Number(args.calls ?? (smoke ? 400 : 20_000));
// Warm-up long enough for the JIT to have optimised every client's hot path before measuring.
const warmup = smoke ? 100 : 5_000;
// Five interleaved runs: on a shared 2-core machine single runs of the same client vary by ±15%.
const runs = Number(args.runs ?? (smoke ? 1 : 5));
// The leak check: heap after `leakBaseline` traced calls against the heap after `leakCalls`.
const leakBaseline = smoke ? 2_000 : 20_000;
const leakCalls = smoke ? 4_000 : 200_000;
const CONCURRENCY = 32;

/** Starts a long-lived helper process and resolves with the first stdout line that matches. */
function startProcess(command, argv, pattern, started) {
  const child = spawn(command, argv, { stdio: ["ignore", "pipe", "inherit"] });
  started.push(child);
  return new Promise((resolve, reject) => {
    let buffered = "";
    let ready = false;
    // Keep reading stdout after the ready line, so that a later write never blocks the helper or breaks its pipe.
    child.stdout.on("data", (chunk) => {
      if (ready) return;
      buffered += chunk;
      const match = buffered.match(pattern);
      if (match) {
        ready = true;
        resolve({ child, match });
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!ready) reject(new Error(`${argv.join(" ")} exited (${code}) before it was ready`));
    });
  });
}

async function runClient(kind, url, n, extra = [], nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, `${here}client.mjs`, kind, url, String(n), String(warmup), String(CONCURRENCY), ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const [code] = await once(child, "exit");
  if (code !== 0) throw new Error(`client ${kind} exited with ${code}`);
  return JSON.parse(out.trim().split("\n").pop());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function summarise(samples) {
  return {
    client: samples[0].client,
    runs: samples.length,
    calls: samples[0].calls,
    cpuMicrosPerCall: median(samples.map((s) => s.cpuMicrosPerCall)),
    callsPerSecond: median(samples.map((s) => s.callsPerSecond)),
    peakRssMB: median(samples.map((s) => s.peakRssMB)),
  };
}

async function createSessionToken(devcoreUrl) {
  const res = await fetch(`${devcoreUrl}/public/recipe/session`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", "cdi-version": "5.4", rid: "session" },
    body: JSON.stringify({ userId: "bench-user", userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false, useDynamicSigningKey: true }),
  });
  if (res.status !== 200) throw new Error(`dev core session create failed: ${res.status} ${await res.text()}`);
  const body = await res.json();
  return body.accessToken.token;
}

// Helpers are stopped however the run ends (a failed start included), so none is left behind.
const helpers = [];
const stopHelpers = () => {
  for (const child of helpers) if (child.exitCode === null) child.kill("SIGTERM");
};
let stubUrl;
let devcoreUrl;
let token;
try {
  const stub = await startProcess(process.execPath, [`${here}stub-core.mjs`], /"url":"([^"]+)"/, helpers);
  stubUrl = stub.match[1];
  const devcore = await startProcess(
    process.execPath,
    [`${here}../dist/src/cli/index.js`, "devcore", "--port", "0", "--access-token-validity", "86400"],
    /listening on (http:\/\/\S+)/,
    helpers,
  );
  devcoreUrl = devcore.match[1];
  token = await createSessionToken(devcoreUrl);
} catch (err) {
  stopHelpers();
  throw err;
}

const clients = [
  { kind: "raw-undici", url: stubUrl },
  { kind: "raw-undici-otel", url: stubUrl },
  { kind: "supertokens-node", url: stubUrl },
  { kind: "corelens", url: stubUrl },
  { kind: "corelens-traced", url: stubUrl },
  { kind: "verify-supertokens-node", url: devcoreUrl, extra: [token] },
  { kind: "verify-corelens", url: devcoreUrl, extra: [token] },
];
const samples = Object.fromEntries(clients.map((c) => [c.kind, []]));
try {
  for (let run = 1; run <= runs; run++) {
    for (const c of clients) {
      const line = await runClient(c.kind, c.url, calls, c.extra);
      samples[c.kind].push(line);
      if (!smoke || run === runs) process.stderr.write(`run ${run}/${runs} ${c.kind}: ${Math.round(line.callsPerSecond)} calls/s\n`);
    }
  }
  const results = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarise(v)]));
  for (const r of Object.values(results)) process.stdout.write(JSON.stringify(r) + "\n");

  const leak = await runClient("corelens-leak", stubUrl, leakCalls, [String(leakBaseline)], ["--expose-gc"]);
  process.stdout.write(JSON.stringify(leak) + "\n");

  const ratio = (a, b) => Number((a / b).toFixed(3));
  const ratios = {
    tracedCpuVsRawUndici: ratio(results["corelens-traced"].cpuMicrosPerCall, results["raw-undici"].cpuMicrosPerCall),
    untracedCpuVsRawUndici: ratio(results.corelens.cpuMicrosPerCall, results["raw-undici"].cpuMicrosPerCall),
    tracedCallsPerSecondVsSupertokensNode: ratio(results["corelens-traced"].callsPerSecond, results["supertokens-node"].callsPerSecond),
    verifyCallsPerSecondVsSupertokensNode: ratio(results["verify-corelens"].callsPerSecond, results["verify-supertokens-node"].callsPerSecond),
    heapGrowthMB: Number(leak.growthMB.toFixed(2)),
  };
  // Not targets: how much of the traced cost is the OpenTelemetry SDK's own (raw undici doing the same OTel work by hand).
  const context = {
    rawUndiciOtelCpuVsRawUndici: ratio(results["raw-undici-otel"].cpuMicrosPerCall, results["raw-undici"].cpuMicrosPerCall),
    tracedCpuVsRawUndiciOtel: ratio(results["corelens-traced"].cpuMicrosPerCall, results["raw-undici-otel"].cpuMicrosPerCall),
  };
  const targets = {
    tracedCpuVsRawUndici: ratios.tracedCpuVsRawUndici <= 1.3,
    untracedCpuVsRawUndici: ratios.untracedCpuVsRawUndici <= 1.1,
    tracedCallsPerSecondVsSupertokensNode: ratios.tracedCallsPerSecondVsSupertokensNode >= 5,
    verifyCallsPerSecondVsSupertokensNode: ratios.verifyCallsPerSecondVsSupertokensNode >= 2,
    heapGrowthMB: ratios.heapGrowthMB <= 10,
  };
  process.stdout.write(JSON.stringify({ ratios, context, ...(smoke ? {} : { targetsMet: targets }) }) + "\n");
  if (!smoke) {
    writeFileSync(
      `${here}results.json`,
      JSON.stringify({ date: new Date().toISOString(), node: process.version, calls, runs, concurrency: CONCURRENCY, results, leak, ratios, context, targetsMet: targets }, null, 2) + "\n",
    );
  }
} finally {
  stopHelpers();
}
