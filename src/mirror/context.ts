import type { Env } from "../env";
import type { Caller } from "../http/types";
import type { UsagePointRow } from "../pdl/store";
import type { QuotaResult } from "../limits/quota";

/** What every mirror read needs: the caller (with its data key) and the PDL, ownership already checked. */
export interface MirrorContext {
  env: Env;
  caller: Caller;
  pdl: UsagePointRow;
  /** set once the request has been counted, so an error answer still carries X-RateLimit-* */
  counted?: QuotaResult;
}

export type CacheStatus = "HIT" | "MISS" | "PARTIAL";

export interface MirrorAnswer<T> {
  data: T;
  cacheStatus: CacheStatus;
  quota: QuotaResult;
}
