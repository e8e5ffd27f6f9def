/**
 * Access tokens as the core mints them (JWT, RS256, header version "3".."5"),
 * parsed once and checked locally. Parsing and the structure check read the
 * unverified token (a failure there means "not a session token": UNAUTHORISED);
 * signature, expiry and anti-CSRF checks come after (a failure means "refresh":
 * TRY_REFRESH_TOKEN). This split is the one supertokens-node applies.
 */
import { verify as cryptoVerify, type KeyObject } from "node:crypto";

export interface ParsedAccessToken {
  /** 2 for legacy kid-less tokens, else the header's version (>= 3). */
  version: number;
  kid: string | undefined;
  alg: unknown;
  raw: string;
  /** "<header>.<payload>", the signed bytes. */
  signingInput: string;
  signature: string;
  payload: Record<string, any>;
}

/** Legacy (v1/v2) headers are fixed strings without a kid. */
const LEGACY_HEADERS = new Set(
  ["1", "2"].map((v) => Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", version: v })).toString("base64")),
);

interface ParsedHeader {
  version: number;
  kid: string | undefined;
  alg: unknown;
}

/**
 * Tokens from one core share a handful of headers (one per signing key), so a
 * small cache saves a base64 decode and a JSON.parse per verification.
 */
const headerCache = new Map<string, ParsedHeader>();
const HEADER_CACHE_MAX = 64;

export class TokenParseError extends Error {}

function decodeJson(part: string): any {
  // Buffer's base64 decoder accepts both the url-safe and the standard alphabet.
  return JSON.parse(Buffer.from(part, "base64").toString("utf8"));
}

function parseHeader(encoded: string): ParsedHeader {
  const cached = headerCache.get(encoded);
  if (cached !== undefined) return cached;
  let parsed: ParsedHeader;
  if (LEGACY_HEADERS.has(encoded)) {
    parsed = { version: 2, kid: undefined, alg: "RS256" };
  } else {
    let header: any;
    try {
      header = decodeJson(encoded);
    } catch {
      throw new TokenParseError("JWT header is not base64 JSON");
    }
    if (header === null || typeof header !== "object") throw new TokenParseError("JWT header mismatch");
    let version = 3; // no version claim: the oldest kid-carrying format
    if (header.version !== undefined) {
      // A non-string version could parse to something unintended.
      if (typeof header.version !== "string") throw new TokenParseError("JWT header mismatch");
      version = Number.parseInt(header.version, 10);
    }
    if (header.typ !== "JWT" || !Number.isInteger(version) || version < 3 || typeof header.kid !== "string") {
      throw new TokenParseError("JWT header mismatch");
    }
    parsed = { version, kid: header.kid, alg: header.alg };
  }
  if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
  headerCache.set(encoded, parsed);
  return parsed;
}

/** Splits and decodes the token; throws TokenParseError when it is not a JWT of a known version. */
export function parseAccessToken(token: string): ParsedAccessToken {
  if (typeof token !== "string") throw new TokenParseError("access token is not a string");
  const firstDot = token.indexOf(".");
  const secondDot = firstDot < 0 ? -1 : token.indexOf(".", firstDot + 1);
  if (firstDot < 0 || secondDot < 0 || token.indexOf(".", secondDot + 1) >= 0) {
    throw new TokenParseError("Invalid JWT");
  }
  const header = parseHeader(token.slice(0, firstDot));
  let payload: any;
  try {
    payload = decodeJson(token.slice(firstDot + 1, secondDot));
  } catch {
    throw new TokenParseError("JWT payload is not base64 JSON");
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new TokenParseError("JWT payload is not an object");
  }
  return {
    version: header.version,
    kid: header.kid,
    alg: header.alg,
    raw: token,
    signingInput: token.slice(0, secondDot),
    signature: token.slice(secondDot + 1),
    payload,
  };
}

/** Parses a token the core just handed us, to read its payload (no verification needed). */
export function payloadOf(token: string): Record<string, any> {
  return parseAccessToken(token).payload;
}

/** The claims each version must carry, with their types; throws TokenParseError if one is off. */
export function checkAccessTokenStructure(payload: Record<string, any>, version: number): void {
  if (payload.stt !== 0 && payload.stt !== undefined) throw new TokenParseError("Wrong token type");
  let ok: boolean;
  if (version >= 3) {
    ok =
      typeof payload.sub === "string" &&
      typeof payload.exp === "number" &&
      typeof payload.iat === "number" &&
      typeof payload.sessionHandle === "string" &&
      typeof payload.refreshTokenHash1 === "string" &&
      (version < 5 || typeof payload.rsub === "string");
  } else {
    ok =
      typeof payload.sessionHandle === "string" &&
      typeof payload.userId === "string" &&
      typeof payload.refreshTokenHash1 === "string" &&
      payload.userData !== undefined &&
      typeof payload.expiryTime === "number" &&
      typeof payload.timeCreated === "number";
  }
  if (!ok) throw new TokenParseError("Access token does not contain all the information");
}

/** RS256 signature check, synchronous: cheaper than a thread-pool round trip for a ~30 µs RSA verify. */
export function signatureIsValid(token: ParsedAccessToken, key: KeyObject): boolean {
  if (token.alg !== "RS256") return false;
  let signature: Buffer;
  try {
    signature = Buffer.from(token.signature, "base64url");
  } catch {
    return false;
  }
  if (signature.length === 0) return false;
  return cryptoVerify("sha256", Buffer.from(token.signingInput, "latin1"), key, signature);
}

/** A string claim, or undefined for anything else (null included). */
export function stringClaim(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
