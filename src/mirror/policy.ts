import { AppError } from "../http/errors";
import type { Env } from "../env";
import { setLastError } from "../pdl/store";

/**
 * How long a cache entry lives. Settled history (see enedis/dates.isSettled) cannot change any more: keep it
 * for the whole history window. Recent days may still be corrected: keep them a few hours, then ask again.
 */
export const SETTLED_TTL_SECONDS = 3 * 366 * 24 * 3600;
export const RECENT_TTL_SECONDS = 6 * 3600;
/** Contract, address, identity, contact: rarely change, but must not be stale for long. */
export const CUSTOMER_DATA_TTL_SECONDS = 24 * 3600;

export const cacheTtlSeconds = (settled: boolean) => (settled ? SETTLED_TTL_SECONDS : RECENT_TTL_SECONDS);

/** Errors that say something lasting about the PDL (shown by /api/pdl/{id}/status as last_error). */
const STICKY = new Set(["CONSENT_REQUIRED", "NOT_OWNER", "ENEDIS_UNAVAILABLE"]);

/** Runs the Enedis part of a request and records the PDL's last error (or clears it on success). */
export async function recordOutcome<T>(env: Env, usagePointId: string, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    await setLastError(env, usagePointId, null);
    return result;
  } catch (error) {
    if (error instanceof AppError && STICKY.has(error.code)) await setLastError(env, usagePointId, error.code);
    throw error;
  }
}
