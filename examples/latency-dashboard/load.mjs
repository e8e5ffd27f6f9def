// Load for the example app: new users sign up, then sign in again (a typo now
// and then), write and read metadata, refresh and sign out, in two tenants.
//
//   node examples/latency-dashboard/load.mjs [--url http://127.0.0.1:3001] [--seconds 30] [--concurrency 4]
//
// It stops after --seconds (or --journeys, whichever comes first) and prints
// a line every 5 seconds. Any unexpected answer from the app stops it with an error.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createClient, signInJourney, signUpJourney } from "../demo/workload.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:3001" },
    seconds: { type: "string", default: "30" },
    journeys: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "4" },
    tenants: { type: "string", default: "acme,globex" },
  },
});
const seconds = Number(values.seconds);
const maxJourneys = Number(values.journeys);
const concurrency = Number(values.concurrency);
if (!(seconds > 0) || !(maxJourneys > 0) || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
  console.error("--seconds and --journeys must be positive numbers, --concurrency a whole number from 1 to 64");
  process.exit(2);
}
const tenants = values.tenants.split(",").map((t) => t.trim()).filter(Boolean);
const client = createClient(values.url.replace(/\/+$/, ""));
const run = randomUUID().slice(0, 8);
const deadline = Date.now() + seconds * 1000;
let started = 0;
let finished = 0;

const requests = () => [...client.statuses.values()].reduce((a, b) => a + b, 0);
const ticker = setInterval(() => console.log(`  ${finished} journeys, ${requests()} requests`), 5000);

async function worker() {
  while (Date.now() < deadline && started < maxJourneys) {
    const n = started++;
    const tenantId = tenants[n % tenants.length];
    const email = `load-${run}-${n}@${tenantId}.example`;
    const password = `load-password-${n}`;
    await signUpJourney(client, tenantId, email, password);
    await signInJourney(client, tenantId, email, password, n % 4 === 0);
    finished++;
  }
}

console.log(`load: ${values.url}, tenants ${tenants.join(", ")}, ${concurrency} at a time, up to ${seconds}s`);
try {
  await Promise.all(Array.from({ length: concurrency }, worker));
} finally {
  clearInterval(ticker);
}
const lines = [...client.statuses].sort().map(([k, n]) => `  ${n.toString().padStart(5)}  ${k}`);
console.log(`done: ${finished} journeys, ${requests()} requests\n${lines.join("\n")}`);
