/**
 * The request headers the frontend SDKs send to the auth APIs and to your
 * protected APIs; add them to your CORS allowed headers (with credentials
 * allowed, for cookie sessions), as with supertokens.getAllCORSHeaders().
 */
export function getAllCORSHeaders(): string[] {
  return ["rid", "fdi-version", "anti-csrf", "authorization", "st-auth-mode"];
}
