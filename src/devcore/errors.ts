/**
 * Errors the dev core raises to its caller (startDevCore, the CLI).
 * Request-level problems never become exceptions for the caller: they are
 * answered over HTTP the way the SuperTokens core answers them (see http.ts).
 */

/** Base class of every error thrown by corelens/devcore. */
export class DevCoreError extends Error {
  override name = "DevCoreError";
}

/** An option given to startDevCore or the CLI is invalid; the message names it and says what is expected. */
export class DevCoreOptionsError extends DevCoreError {
  override name = "DevCoreOptionsError";
}

/** The data file cannot be opened (no SQLite binding available, unreadable file, foreign schema). */
export class DevCoreStorageError extends DevCoreError {
  override name = "DevCoreStorageError";
}
