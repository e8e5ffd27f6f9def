/**
 * Typed records over a KvBackend. Every record is stored as JSON text and read
 * back into fresh null-prototype objects, so a handler can never alias or
 * mutate stored state by accident, and stored keys like "__proto__" stay data.
 */
import type { JsonObject } from "../input.js";
import type { KvBackend } from "./backend.js";

export const PUBLIC_APP = "public";
export const PUBLIC_TENANT = "public";

export interface UserRecord {
  id: string;
  /** Normalised (trimmed, lower-cased). */
  email: string;
  passwordHash: string;
  timeJoined: number;
  tenantIds: string[];
}

export interface SessionRecord {
  handle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string;
  userDataInJWT: JsonObject;
  userDataInDatabase: JsonObject;
  /** sha256(sha256(current refresh token)), as the core stores it. */
  refreshTokenHash2: string;
  /** ms; the session ends when its refresh token would expire. */
  expiry: number;
  timeCreated: number;
}

export interface TenantRecord {
  tenantId: string;
  firstFactors?: string[] | null;
  requiredSecondaryFactors?: string[] | null;
  coreConfig: JsonObject;
}

export interface SigningKeyRecord {
  kid: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  createdAt: number;
}

const K = {
  user: "user",
  email: "ep-email",
  session: "session",
  sessionByUser: "session-by-user",
  metadata: "metadata",
  tenant: "tenant",
  signingKey: "signing-key",
  secret: "secret",
} as const;

const key = (...parts: string[]): string => parts.map(encodePart).join("/");

/**
 * URI-encodes one key part. A string with a lone surrogate (valid in JSON,
 * refused by encodeURIComponent) is hex-encoded behind "%u", which
 * encodeURIComponent never produces, so distinct strings keep distinct keys.
 */
function encodePart(part: string): string {
  try {
    return encodeURIComponent(part);
  } catch {
    return "%u" + Buffer.from(part, "utf16le").toString("hex");
  }
}
const prefix = (...parts: string[]): string => key(...parts) + "/";

function nullProtoReviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const copy: JsonObject = Object.create(null);
  for (const k of Object.keys(value)) copy[k] = (value as JsonObject)[k];
  return copy;
}

function decode<T>(text: string | undefined): T | undefined {
  return text === undefined ? undefined : (JSON.parse(text, nullProtoReviver) as T);
}

export class DevCoreStore {
  constructor(readonly backend: KvBackend) {}

  transaction<T>(fn: () => T): T {
    return this.backend.transaction(fn);
  }

  close(): void {
    this.backend.close();
  }

  // users (email-password recipe users; one id per user, no account linking)
  getUser(app: string, id: string): UserRecord | undefined {
    return decode(this.backend.get(K.user, key(app, id)));
  }
  putUser(app: string, user: UserRecord): void {
    this.backend.put(K.user, key(app, user.id), JSON.stringify(user));
    for (const tenant of user.tenantIds) this.backend.put(K.email, key(app, tenant, user.email), JSON.stringify(user.id));
  }
  deleteUser(app: string, id: string): boolean {
    const user = this.getUser(app, id);
    if (!user) return false;
    for (const tenant of user.tenantIds) this.backend.delete(K.email, key(app, tenant, user.email));
    return this.backend.delete(K.user, key(app, id));
  }
  userIdByEmail(app: string, tenant: string, email: string): string | undefined {
    return decode(this.backend.get(K.email, key(app, tenant, email)));
  }
  listUsers(app: string): UserRecord[] {
    return this.backend.list(K.user, prefix(app)).map(([, v]) => decode<UserRecord>(v)!);
  }

  // sessions, with an index by recipe user id
  getSession(app: string, handle: string): SessionRecord | undefined {
    return decode(this.backend.get(K.session, key(app, handle)));
  }
  putSession(app: string, session: SessionRecord): void {
    this.backend.put(K.session, key(app, session.handle), JSON.stringify(session));
    this.backend.put(K.sessionByUser, key(app, session.recipeUserId, session.handle), "1");
  }
  deleteSession(app: string, handle: string): boolean {
    const session = this.getSession(app, handle);
    if (!session) return false;
    this.backend.delete(K.sessionByUser, key(app, session.recipeUserId, handle));
    return this.backend.delete(K.session, key(app, handle));
  }
  sessionHandlesOfUser(app: string, userId: string): string[] {
    const p = prefix(app, userId);
    return this.backend.list(K.sessionByUser, p).map(([k]) => decodeURIComponent(k.slice(p.length)));
  }
  listSessions(app: string): SessionRecord[] {
    return this.backend.list(K.session, prefix(app)).map(([, v]) => decode<SessionRecord>(v)!);
  }

  // user metadata
  getMetadata(app: string, userId: string): JsonObject | undefined {
    return decode(this.backend.get(K.metadata, key(app, userId)));
  }
  putMetadata(app: string, userId: string, metadata: JsonObject): void {
    this.backend.put(K.metadata, key(app, userId), JSON.stringify(metadata));
  }
  deleteMetadata(app: string, userId: string): boolean {
    return this.backend.delete(K.metadata, key(app, userId));
  }

  // tenants (the public tenant exists implicitly; a stored record only holds its config)
  getTenant(app: string, tenantId: string): TenantRecord | undefined {
    const stored = decode<TenantRecord>(this.backend.get(K.tenant, key(app, tenantId)));
    if (stored || tenantId !== PUBLIC_TENANT || app !== PUBLIC_APP) return stored;
    return { tenantId: PUBLIC_TENANT, coreConfig: Object.create(null) as JsonObject };
  }
  putTenant(app: string, tenant: TenantRecord): void {
    this.backend.put(K.tenant, key(app, tenant.tenantId), JSON.stringify(tenant));
  }
  deleteTenant(app: string, tenantId: string): boolean {
    return this.backend.delete(K.tenant, key(app, tenantId));
  }
  listTenants(app: string): TenantRecord[] {
    const tenants = this.backend.list(K.tenant, prefix(app)).map(([, v]) => decode<TenantRecord>(v)!);
    if (!tenants.some((t) => t.tenantId === PUBLIC_TENANT)) tenants.unshift(this.getTenant(app, PUBLIC_TENANT)!);
    return tenants;
  }

  // signing keys and secrets (shared by all apps, like the core's base keys)
  listSigningKeys(): SigningKeyRecord[] {
    return this.backend.list(K.signingKey, "").map(([, v]) => decode<SigningKeyRecord>(v)!);
  }
  putSigningKey(record: SigningKeyRecord): void {
    this.backend.put(K.signingKey, key(record.kid), JSON.stringify(record));
  }
  deleteSigningKey(kid: string): void {
    this.backend.delete(K.signingKey, key(kid));
  }
  getSecret(name: string): string | undefined {
    return decode(this.backend.get(K.secret, key(name)));
  }
  putSecret(name: string, value: string): void {
    this.backend.put(K.secret, key(name), JSON.stringify(value));
  }
}
