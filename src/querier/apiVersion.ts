/**
 * The CDI version: pinned by config, or asked of the core once. All calls that
 * arrive before the answer share one in-flight GET /apiversion; a failed
 * negotiation is forgotten so the next call asks again.
 */
import { CoreVersionError } from "./errors.js";
import type { UserContext } from "./types.js";

/** CDI versions corelens speaks, oldest first. */
export const SUPPORTED_CDI_VERSIONS: readonly string[] = ["5.3", "5.4"];

export class ApiVersion {
  /** Known version; read synchronously on the hot path. */
  version: string | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    pinned: string | undefined,
    /** Fetches the core's `{ versions: string[] }` through the querier pipeline. */
    private readonly fetchCoreVersions: (userContext: UserContext | undefined) => Promise<unknown>,
  ) {
    this.version = pinned;
  }

  /** `userContext` is the first waiting caller's: the interceptor sees /apiversion with it. */
  get(userContext: UserContext | undefined): Promise<string> {
    if (this.version !== undefined) return Promise.resolve(this.version);
    this.inflight ??= this.negotiate(userContext).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async negotiate(userContext: UserContext | undefined): Promise<string> {
    const answer = await this.fetchCoreVersions(userContext);
    const coreVersions = (answer as { versions?: unknown } | null)?.versions;
    const list = Array.isArray(coreVersions) ? coreVersions.filter((v): v is string => typeof v === "string") : [];
    const common = highestCommon(SUPPORTED_CDI_VERSIONS, list);
    if (common === undefined) throw new CoreVersionError(SUPPORTED_CDI_VERSIONS, list);
    this.version = common;
    return common;
  }
}

/** Highest version in both lists, compared numerically per part ("5.10" > "5.4"). */
export function highestCommon(ours: readonly string[], theirs: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const v of theirs) {
    if (!ours.includes(v)) continue;
    if (best === undefined || compareVersions(v, best) > 0) best = v;
  }
  return best;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
