/**
 * The errors a core call (and init) can end with. All are exported from
 * "corelens" so callers can `instanceof` them. None of them ever carries the
 * API key: messages are built from method, path, host and the core's answer,
 * and `redactSecret` scrubs the key out of anything echoed back.
 */

/** init() was given a bad value. `field` names it, e.g. "supertokens.connectionURI". */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`corelens.init(): ${field} ${problem}`);
  }
}

/** The core answered with a status other than 200, or a 200 whose body is not valid JSON. */
export class CoreError extends Error {
  override name = "CoreError";
  constructor(
    /** HTTP status the core answered with. */
    readonly status: number,
    /** Upper-case method that was sent (after the interceptor). */
    readonly method: string,
    /** Path that was sent (after the interceptor), without the query string. */
    readonly path: string,
    /** What the core said (its response body, shortened), or what was wrong with it. */
    readonly coreMessage: string,
    /** The host that answered, as configured (origin + base path). */
    readonly host: string,
  ) {
    super(`core at ${host} answered ${status} to ${method} ${path}: ${coreMessage}`);
  }
}

/**
 * The core did not answer in time: every host tried timed out, or a write timed
 * out (never retried: the core may have applied it). `phase` is the last one's.
 */
export class CoreTimeoutError extends Error {
  override name = "CoreTimeoutError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly phase: "connect" | "request",
    /** Each host tried and how it timed out. */
    readonly failures: HostFailure[],
    /** True when the request was a write and was therefore not retried elsewhere. */
    readonly notRetried: boolean,
  ) {
    super(
      `${method} ${path} timed out: ` +
        describeFailures(failures) +
        (notRetried ? " (not retried: the core may already have applied this write)" : ""),
    );
  }
}

/** The network interceptor threw, rejected, or returned something that is not a valid request. Nothing was sent. */
export class InterceptorError extends Error {
  override name = "InterceptorError";
  constructor(
    message: string,
    /** What the interceptor threw, when it threw. */
    override readonly cause?: unknown,
    /** Position of the failing interceptor when an array was configured. */
    readonly index = 0,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** What one host failed with during a call (its last failure, when it was tried twice). */
export interface HostFailure {
  /** The host as configured, origin + base path, e.g. "http://127.0.0.1:3567/appid-x". */
  host: string;
  /** Low-cardinality kind, e.g. "ECONNREFUSED", "UND_ERR_SOCKET", "connect_timeout", "request_timeout". */
  code: string;
  /** Human description. */
  message: string;
  /** How many times this call tried the host. */
  attempts: number;
}

function describeFailures(failures: readonly HostFailure[]): string {
  return failures.map((f) => `${f.host} failed with ${f.code} (${f.message})${f.attempts > 1 ? ` [${f.attempts} attempts]` : ""}`).join("; ");
}

/** No host could be reached (each failed at the connection level), or a write lost its connection mid-way. */
export class CoreUnavailableError extends Error {
  override name = "CoreUnavailableError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly failures: HostFailure[],
    note = "",
  ) {
    super(
      `no core could answer ${method} ${path}: ` +
        describeFailures(failures) +
        note,
    );
  }
}

/** The core and this SDK share no CDI version. */
export class CoreVersionError extends Error {
  override name = "CoreVersionError";
  constructor(
    readonly sdkVersions: readonly string[],
    readonly coreVersions: readonly string[],
  ) {
    super(
      `the core supports CDI versions [${coreVersions.join(", ")}] but corelens supports [${sdkVersions.join(", ")}]: ` +
        `no version in common. Upgrade the core or corelens, or pin one with supertokens.cdiVersion.`,
    );
  }
}

/** recipe functions called before corelens.init(), or a recipe missing from recipeList. */
export class NotInitialisedError extends Error {
  override name = "NotInitialisedError";
}

/**
 * Replaces every occurrence of `secret` (the API key) in `text` with `marker`. Used on
 * anything the core echoes back into an error, and by telemetry on exception text.
 */
export function redactSecret(text: string, secret: string | undefined, marker = "[redacted]"): string {
  if (!secret || !text.includes(secret)) return text;
  return text.split(secret).join(marker);
}
