/**
 * Cookie header parsing and Set-Cookie serialisation, only as much as the
 * session cookies need. Values are URI-encoded on the way out and decoded on
 * the way in, so any token alphabet is safe inside a cookie.
 */

/** Every value of cookie `name` in a Cookie header, in order (duplicates kept: they mean an old cookie domain). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1) continue;
    if (decodeSafely(pair.slice(0, eq).trim()) !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    values.push(decodeSafely(value));
  }
  return values;
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface CookieAttributes {
  path: string;
  /** Epoch ms; 0 clears the cookie. */
  expires: number;
  domain: string | undefined;
  secure: boolean;
  sameSite: "strict" | "lax" | "none";
}

const SAME_SITE = { strict: "Strict", lax: "Lax", none: "None" } as const;

/** Always HttpOnly: session cookies are never for page scripts (the front token header is). */
export function serialiseCookie(name: string, value: string, a: CookieAttributes): string {
  let out = `${name}=${encodeURIComponent(value)}; Path=${a.path}; Expires=${new Date(a.expires).toUTCString()}; HttpOnly`;
  if (a.domain !== undefined) out += `; Domain=${a.domain}`;
  if (a.secure) out += "; Secure";
  out += `; SameSite=${SAME_SITE[a.sameSite]}`;
  return out;
}
