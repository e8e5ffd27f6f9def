/**
 * RS256 signing keys, kept in the store so tokens survive a restart.
 *
 * Like the SuperTokens core: dynamic keys are named `d-<createdAtMs>` and
 * rotated every `rotationIntervalMs` (default 168 h); a static key `s-<uuid>`
 * is created on first use for `useDynamicSigningKey: false`. A fresh dynamic
 * key is published in the JWKS about a minute before it signs anything, so
 * SDKs with a cached JWKS see it first. Old dynamic keys stay published while
 * tokens signed with them can still be valid.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID, sign, verify, type KeyObject } from "node:crypto";
import type { DevCoreStore, SigningKeyRecord } from "./storage/store.js";

export interface PublicJwk {
  kty: "RSA";
  kid: string;
  n: string;
  e: string;
  alg: "RS256";
  use: "sig";
}

interface LoadedKey {
  kid: string;
  createdAt: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: PublicJwk;
}

/** A new key is published this long before it is used for signing. */
const PUBLISH_AHEAD_MS = 60_000;

export interface SigningKeyTiming {
  rotationIntervalMs: number;
  accessTokenValidityMs: number;
}

function load(record: SigningKeyRecord): LoadedKey {
  const privateKey = createPrivateKey(record.privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const { n, e } = publicKey.export({ format: "jwk" });
  return { kid: record.kid, createdAt: record.createdAt, privateKey, publicKey, jwk: { kty: "RSA", kid: record.kid, n: n!, e: e!, alg: "RS256", use: "sig" } };
}

function generate(kid: string, createdAt: number): Promise<{ record: SigningKeyRecord; key: LoadedKey }> {
  return new Promise((resolve, reject) => {
    generateKeyPair("rsa", { modulusLength: 2048, publicExponent: 0x10001 }, (error, _publicKey, privateKey) => {
      if (error) return reject(error);
      const record = { kid, createdAt, privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString() };
      resolve({ record, key: load(record) });
    });
  });
}

export class SigningKeys {
  /** Dynamic keys, newest first. */
  private dynamic: LoadedKey[] = [];
  private staticKey: LoadedKey | undefined;
  private readonly byKid = new Map<string, LoadedKey>();
  private pending: Promise<void> | undefined;

  private constructor(
    private readonly store: DevCoreStore,
    private readonly timing: SigningKeyTiming,
    private readonly now: () => number,
  ) {}

  static async open(store: DevCoreStore, timing: SigningKeyTiming, now: () => number): Promise<SigningKeys> {
    const keys = new SigningKeys(store, timing, now);
    for (const record of store.listSigningKeys()) keys.add(load(record));
    await keys.rotateIfDue();
    return keys;
  }

  private add(key: LoadedKey): void {
    this.byKid.set(key.kid, key);
    if (key.kid.startsWith("s-")) this.staticKey = key;
    else {
      this.dynamic.push(key);
      this.dynamic.sort((a, b) => b.createdAt - a.createdAt);
    }
  }

  /** Creates a new dynamic key when the newest is older than the interval; prunes expired ones. */
  rotateIfDue(): Promise<void> {
    const newest = this.dynamic[0];
    if (newest && this.now() - newest.createdAt < this.timing.rotationIntervalMs) return Promise.resolve();
    this.pending ??= (async () => {
      const createdAt = this.now();
      const { record, key } = await generate(`d-${createdAt}`, createdAt);
      this.store.putSigningKey(record);
      this.add(key);
      this.prune();
    })().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private prune(): void {
    const lifetime = this.timing.rotationIntervalMs + 2 * this.timing.accessTokenValidityMs;
    const keep = this.dynamic.filter((k, i) => i === 0 || this.now() - k.createdAt < lifetime);
    for (const k of this.dynamic) {
      if (!keep.includes(k)) {
        this.byKid.delete(k.kid);
        this.store.deleteSigningKey(k.kid);
      }
    }
    this.dynamic = keep;
  }

  /** The key to sign a new access token with. */
  async signingKey(useDynamic: boolean): Promise<LoadedKey> {
    if (!useDynamic) {
      if (!this.staticKey) {
        const { record, key } = await generate(`s-${randomUUID()}`, this.now());
        if (!this.staticKey) {
          this.store.putSigningKey(record);
          this.add(key);
        }
      }
      return this.staticKey!;
    }
    // Rotation runs in the background: the current key keeps signing until the new one is ready.
    void this.rotateIfDue().catch(() => {});
    const [newest, previous] = this.dynamic;
    if (newest && previous && this.now() - newest.createdAt < PUBLISH_AHEAD_MS) return previous;
    if (newest) return newest;
    await this.rotateIfDue();
    return this.dynamic[0]!;
  }

  sign(key: LoadedKey, data: string): string {
    return sign("sha256", Buffer.from(data), key.privateKey).toString("base64url");
  }

  /** false for an unknown kid or a bad signature. */
  verify(kid: string, data: string, signature: Buffer): boolean {
    const key = this.byKid.get(kid);
    return key !== undefined && verify("sha256", Buffer.from(data), key.publicKey, signature);
  }

  /** Dynamic keys newest first, then the static key: the order the core publishes. */
  jwks(): PublicJwk[] {
    const keys = this.dynamic.map((k) => k.jwk);
    if (this.staticKey) keys.push(this.staticKey.jwk);
    return keys;
  }

  /** Seconds until the JWKS may change (next rotation, published ahead), at least 1. */
  jwksMaxAgeSeconds(): number {
    const newest = this.dynamic[0];
    if (!newest) return 1;
    const next = newest.createdAt + this.timing.rotationIntervalMs - PUBLISH_AHEAD_MS;
    return Math.max(1, Math.floor((next - this.now()) / 1000));
  }
}
