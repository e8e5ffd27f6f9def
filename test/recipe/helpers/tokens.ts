/**
 * Access tokens signed by the test's own RSA key, in the core's v5 format:
 * to check what local verification accepts and rejects without waiting on
 * the clock (expired) or needing the core's private key (tampered claims).
 */
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";

export interface TestSigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function makeSigningKey(kid: string, modulusLength = 2048): TestSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, jwk };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function signToken(
  key: TestSigningKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256", typ: "JWT", kid: key.kid, version: "5" },
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = sign("sha256", Buffer.from(input), key.privateKey).toString("base64url");
  return `${input}.${signature}`;
}

/** The claims the core puts in a v5 token, valid for an hour unless overridden. */
export function v5Claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: "user-1",
    exp: now + 3600,
    iat: now,
    tId: "public",
    rsub: "user-1",
    sessionHandle: "handle-1",
    refreshTokenHash1: "a".repeat(64),
    parentRefreshTokenHash1: null,
    antiCsrfToken: null,
    ...overrides,
  };
}

/** Replaces one part of a JWT ("header" | "payload" | "signature") by the given JSON (or raw text for the signature). */
export function withPart(token: string, part: 0 | 1 | 2, value: unknown): string {
  const parts = token.split(".");
  parts[part] = part === 2 ? String(value) : b64url(value);
  return parts.join(".");
}
