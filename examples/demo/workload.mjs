// The demo's traffic: real HTTP requests to the example app, as a browser
// would make them: sign up, write and read metadata, refresh, sign in (once
// with a wrong password), sign out (verified against the core, then revoked).

const JSON_HEADERS = { "content-type": "application/json" };

/** Runs `jobs` with at most `concurrency` at a time; calls onDone after each. */
async function pool(jobs, concurrency, onDone) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      await job();
      onDone();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export function createClient(baseUrl) {
  const statuses = new Map();
  async function call(tenantId, method, path, { body, accessToken } = {}) {
    const headers = { "x-tenant-id": tenantId, ...(body === undefined ? {} : JSON_HEADERS) };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json();
    const key = `${method} ${path} ${res.status}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    return { status: res.status, json };
  }
  return { call, statuses };
}

function expectStatus(result, status, what) {
  if (result.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${result.status} ${JSON.stringify(result.json)}`);
  return result.json;
}

/** A new user: sign up, metadata write and read, refresh, read again, sign out. */
export async function signUpJourney(client, tenantId, email, password) {
  const s = expectStatus(await client.call(tenantId, "POST", "/auth/signup", { body: { email, password } }), 200, "sign-up");
  expectStatus(await client.call(tenantId, "PUT", "/me/metadata", { body: { plan: "free", theme: "dark" }, accessToken: s.accessToken }), 200, "metadata write");
  expectStatus(await client.call(tenantId, "GET", "/me", { accessToken: s.accessToken }), 200, "session verify + metadata read");
  const r = expectStatus(await client.call(tenantId, "POST", "/auth/refresh", { body: { refreshToken: s.refreshToken } }), 200, "refresh");
  expectStatus(await client.call(tenantId, "GET", "/me", { accessToken: r.accessToken }), 200, "read after refresh");
  expectStatus(await client.call(tenantId, "POST", "/auth/signout", { accessToken: r.accessToken }), 200, "sign-out");
}

/** A returning user: maybe a typo first, sign in, metadata, refresh, sign out. */
export async function signInJourney(client, tenantId, email, password, withTypo) {
  if (withTypo) expectStatus(await client.call(tenantId, "POST", "/auth/signin", { body: { email, password: `${password}-typo` } }), 401, "wrong password");
  const s = expectStatus(await client.call(tenantId, "POST", "/auth/signin", { body: { email, password } }), 200, "sign-in");
  expectStatus(await client.call(tenantId, "PUT", "/me/metadata", { body: { plan: "pro" }, accessToken: s.accessToken }), 200, "metadata write");
  expectStatus(await client.call(tenantId, "GET", "/me", { accessToken: s.accessToken }), 200, "session verify + metadata read");
  const r = expectStatus(await client.call(tenantId, "POST", "/auth/refresh", { body: { refreshToken: s.refreshToken } }), 200, "refresh");
  expectStatus(await client.call(tenantId, "POST", "/auth/signout", { accessToken: r.accessToken }), 200, "sign-out");
  // The revoked session's refresh token no longer works.
  expectStatus(await client.call(tenantId, "POST", "/auth/refresh", { body: { refreshToken: r.refreshToken } }), 401, "refresh after sign-out");
}

export function usersFor(tenants, perTenant) {
  return tenants.flatMap((tenantId) =>
    Array.from({ length: perTenant }, (_, i) => ({ tenantId, email: `user${i + 1}@${tenantId}.example`, password: `demo-password-${tenantId}-${i + 1}` })),
  );
}

/** Runs one journey per user, `concurrency` at a time, reporting progress. */
export async function runPhase(users, journey, { concurrency = 4, progress }) {
  let done = 0;
  progress(0, users.length);
  await pool(
    users.map((u, i) => () => journey(u, i)),
    concurrency,
    () => progress(++done, users.length),
  );
}
