/**
 * Refresh tokens: opaque to the SDK, so the dev core uses its own format, an
 * AES-256-GCM sealed JSON (`<base64url(iv | ciphertext | tag)>.V2`) under a
 * random key kept in the store. Like the core's, a token carries its session
 * handle and its parent's hash, which is what rotation and theft detection
 * need (see routes/session.ts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from "node:crypto";
import type { DevCoreStore } from "./storage/store.js";

export interface RefreshTokenInfo {
  sessionHandle: string;
  userId: string;
  tenantId: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  nonce: string;
}

export const sha256hex = (value: string): string => createHash("sha256").update(value).digest("hex");

const SECRET_NAME = "refresh-token-key";

export class RefreshTokens {
  private constructor(private readonly key: Buffer) {}

  static open(store: DevCoreStore): RefreshTokens {
    let secret = store.getSecret(SECRET_NAME);
    if (!secret) {
      secret = randomBytes(32).toString("base64");
      store.putSecret(SECRET_NAME, secret);
    }
    return new RefreshTokens(Buffer.from(secret, "base64"));
  }

  create(info: Omit<RefreshTokenInfo, "nonce">): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const plain = JSON.stringify({ ...info, nonce: sha256hex(randomUUID()) });
    const sealed = Buffer.concat([iv, cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${sealed.toString("base64url")}.V2`;
  }

  /** undefined when the token is not one this core sealed. */
  read(token: string): RefreshTokenInfo | undefined {
    const [body, version, extra] = token.split(".");
    if (!body || version !== "V2" || extra !== undefined) return undefined;
    const sealed = Buffer.from(body, "base64url");
    if (sealed.length < 12 + 16 + 2) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString("utf8");
      const info = JSON.parse(plain) as RefreshTokenInfo;
      return typeof info.sessionHandle === "string" ? info : undefined;
    } catch {
      return undefined;
    }
  }
}
