/** Claims the core owns in an access token: user payloads may not set them. */
export const PROTECTED_PROPS = [
  "sub",
  "iat",
  "exp",
  "sessionHandle",
  "parentRefreshTokenHash1",
  "refreshTokenHash1",
  "antiCsrfToken",
  "rsub",
  "tId",
  "stt",
] as const;
