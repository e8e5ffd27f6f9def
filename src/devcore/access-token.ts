/**
 * Access tokens in the SuperTokens v5 format, which supertokens-node 24
 * verifies on its own against the JWKS:
 *   header  {"alg":"RS256","typ":"JWT","kid":"<kid>","version":"5"}
 *   payload sub, exp, iat, tId, rsub, sessionHandle, refreshTokenHash1,
 *           parentRefreshTokenHash1 (null when none), antiCsrfToken (null when none),
 *           then the user's claims at top level.
 * exp/iat are whole seconds; expiry/createdTime are returned as their ms values.
 */
import type { JsonObject } from "./input.js";
import type { SigningKeys } from "./signing-keys.js";

/** Claims the core owns; a user payload may not set them (HTTP 400 at create and jwt/data). */
export const PROTECTED_CLAIMS: readonly string[] = ["sub", "iat", "exp", "sessionHandle", "parentRefreshTokenHash1", "refreshTokenHash1", "antiCsrfToken", "rsub", "tId"];

export const PROTECTED_FIELD_MESSAGE = "The user payload contains protected field";

/** The v5 claims the core requires to be present (as keys) when it verifies a token. */
const REQUIRED_CLAIMS = [...PROTECTED_CLAIMS];

export interface AccessTokenClaims {
  userId: string;
  recipeUserId: string;
  tenantId: string;
  sessionHandle: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  userData: JsonObject;
}

export interface MintedToken {
  token: string;
  expiry: number;
  createdTime: number;
}

export function hasProtectedClaim(data: JsonObject): boolean {
  return PROTECTED_CLAIMS.some((name) => Object.hasOwn(data, name));
}

/** The user's part of a payload (what the core returns as userDataInJWT). */
export function userClaims(payload: JsonObject): JsonObject {
  const out: JsonObject = Object.create(null);
  for (const k of Object.keys(payload)) if (!PROTECTED_CLAIMS.includes(k)) out[k] = payload[k];
  return out;
}

const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export async function mintAccessToken(keys: SigningKeys, claims: AccessTokenClaims, times: { now: number; expiresAt: number; useDynamicKey: boolean }): Promise<MintedToken> {
  const key = await keys.signingKey(times.useDynamicKey);
  const iat = Math.floor(times.now / 1000);
  const exp = Math.floor(times.expiresAt / 1000);
  // Built in a null-prototype object: user claim names such as "__proto__" stay plain claims.
  const payload: JsonObject = Object.create(null);
  payload.sub = claims.userId;
  payload.exp = exp;
  payload.iat = iat;
  payload.tId = claims.tenantId;
  payload.rsub = claims.recipeUserId;
  payload.sessionHandle = claims.sessionHandle;
  payload.refreshTokenHash1 = claims.refreshTokenHash1;
  payload.parentRefreshTokenHash1 = claims.parentRefreshTokenHash1;
  payload.antiCsrfToken = claims.antiCsrfToken;
  for (const k of Object.keys(claims.userData)) if (!PROTECTED_CLAIMS.includes(k)) payload[k] = claims.userData[k];
  const signingInput = `${b64json({ alg: "RS256", typ: "JWT", kid: key.kid, version: "5" })}.${b64json(payload)}`;
  return { token: `${signingInput}.${keys.sign(key, signingInput)}`, expiry: exp * 1000, createdTime: iat * 1000 };
}

export type VerifiedAccessToken =
  | { ok: true; kid: string; payload: JsonObject; claims: AccessTokenClaims; expiresAt: number; expired: boolean }
  | { ok: false; reason: string };

/** Checks header, signature and v5 structure; expiry is reported, not enforced (regenerate accepts expired tokens). */
export function verifyAccessToken(keys: SigningKeys, token: string, now: number): VerifiedAccessToken {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "Invalid JWT" };
  const [rawHeader, rawPayload, rawSignature] = parts as [string, string, string];
  const header = parseSegment(rawHeader);
  if (!header || header.typ !== "JWT" || header.alg !== "RS256" || typeof header.kid !== "string" || typeof header.version !== "string" || !(Number.parseInt(header.version, 10) >= 3)) {
    return { ok: false, reason: "JWT header mismatch" };
  }
  if (!keys.verify(header.kid, `${rawHeader}.${rawPayload}`, Buffer.from(rawSignature, "base64url"))) return { ok: false, reason: "Key not found or signature invalid" };
  const payload = parseSegment(rawPayload);
  if (!payload || REQUIRED_CLAIMS.some((name) => !Object.hasOwn(payload, name))) return { ok: false, reason: "Access token does not contain all the required fields" };
  const { sub, rsub, tId, exp, sessionHandle, refreshTokenHash1, parentRefreshTokenHash1, antiCsrfToken } = payload;
  if (typeof sub !== "string" || typeof rsub !== "string" || typeof tId !== "string" || typeof exp !== "number" || typeof sessionHandle !== "string" || typeof refreshTokenHash1 !== "string") {
    return { ok: false, reason: "Access token has fields of the wrong type" };
  }
  const claims: AccessTokenClaims = {
    userId: sub,
    recipeUserId: rsub,
    tenantId: tId,
    sessionHandle,
    refreshTokenHash1,
    parentRefreshTokenHash1: typeof parentRefreshTokenHash1 === "string" ? parentRefreshTokenHash1 : null,
    antiCsrfToken: typeof antiCsrfToken === "string" ? antiCsrfToken : null,
    userData: userClaims(payload),
  };
  const expiresAt = exp * 1000;
  return { ok: true, kid: header.kid, payload, claims, expiresAt, expired: expiresAt <= now };
}

function parseSegment(segment: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"), (_k, v: unknown) => {
      if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
      const copy: JsonObject = Object.create(null);
      for (const k of Object.keys(v)) copy[k] = (v as JsonObject)[k];
      return copy;
    });
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}
