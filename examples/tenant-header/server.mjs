// One command: `node examples/tenant-header/server.mjs`
// Starts the dev core in this process (unless CORELENS_CONNECTION_URI names a
// core), creates the tenants, and serves the example app.
//
//   PORT                     app port (default 3001; 0 picks a free one)
//   CORELENS_CONNECTION_URI  use this core instead of starting the dev core
//   CORELENS_API_KEY         its API key
//   TENANTS                  tenants to create, comma-separated (default "acme,globex")
//   TENANT_CORE_BASE_URLS    JSON {"tenant":"http://host:port/base"}: that tenant's core calls go there
import { startDevCore } from "corelens/devcore";
import { baseUrlsFromEnv } from "./tenant.mjs";

const { createApp, ensureTenants, initCorelens } = await import("./app.mjs");

let core;
let connectionURI = process.env.CORELENS_CONNECTION_URI;
if (!connectionURI) {
  core = await startDevCore({ port: 0 });
  connectionURI = core.url;
}
initCorelens({ connectionURI, apiKey: process.env.CORELENS_API_KEY || undefined, baseUrls: baseUrlsFromEnv() });
const tenants = (process.env.TENANTS ?? "acme,globex").split(",").map((t) => t.trim()).filter(Boolean);
await ensureTenants(tenants);

const server = createApp().listen(Number(process.env.PORT ?? 3001), "127.0.0.1", () => {
  const { port } = server.address();
  console.log(`tenant-header example listening on http://127.0.0.1:${port} (core ${connectionURI}; tenants ${tenants.join(", ")})`);
  console.log(`try: curl -s -H 'x-tenant-id: acme' -H 'content-type: application/json' -d '{"email":"ada@example.com","password":"correct-horse-1"}' http://127.0.0.1:${port}/auth/signup`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void Promise.all([import("corelens").then((m) => m.close()), core?.close()]).then(() => process.exit(0));
  });
}
