import { AppError } from "../http/errors";
import { refundRequest } from "../limits/quota";
import { setLastError } from "../pdl/store";
import type { MirrorContext } from "./context";

/**
 * How long a cache entry lives. Settled history (see enedis/dates.isSettled) cannot change any more: keep it
 * for the whole history window. Recent days may still be corrected: keep them a few hours, then ask again.
 */
export const SETTLED_TTL_SECONDS = 3 * 366 * 24 * 3600;
export const RECENT_TTL_SECONDS = 6 * 3600;
/** Contract, address, identity, contact: rarely change, but must not be stale for long. */
export const CUSTOMER_DATA_TTL_SECONDS = 24 * 3600;

export const cacheTtlSeconds = (settled: boolean) => (settled ? SETTLED_TTL_SECONDS : RECENT_TTL_SECONDS);

/**
 * How long "Enedis has no data for this day" is remembered. Settled history will not get data later (a load curve
 * switched on today is recorded from today): a month. A recent day may be published any time now (D-1 from about
 * 08:00, some meters later): an hour, so a poll at 06:00 does not hide the day from a poll at 09:00.
 */
export const NO_DATA_SETTLED_TTL_SECONDS = 30 * 24 * 3600;
export const NO_DATA_RECENT_TTL_SECONDS = 3600;
export const noDataTtlSeconds = (settled: boolean) => (settled ? NO_DATA_SETTLED_TTL_SECONDS : NO_DATA_RECENT_TTL_SECONDS);

/** Errors that say something lasting about the PDL (shown by /api/pdl/{id}/status as last_error). */
const STICKY = new Set(["CONSENT_REQUIRED", "NOT_OWNER", "ENEDIS_UNAVAILABLE"]);

/**
 * Runs the Enedis part of a mirror request. Records the PDL's last error (or clears it on success). When the
 * gateway-wide budget refused the calls (ENEDIS_BUSY) and nothing was served, the request counted against the
 * account's no-cache quota is given back: the account got nothing for it.
 */
export async function callEnedis<T>(ctx: MirrorContext, nothingServed: () => boolean, run: () => Promise<T>): Promise<T> {
  const { env, pdl } = ctx;
  try {
    const result = await run();
    // a success clears what it disproves (consent, owner, Enedis down), not a note about what Enedis never gives
    // this PDL (OFFPEAK_UNAVAILABLE stays until a contract read finds off-peak hours)
    if (pdl.lastError && STICKY.has(pdl.lastError)) await setLastError(env, pdl.usagePointId, null);
    return result;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (STICKY.has(error.code)) await setLastError(env, pdl.usagePointId, error.code);
    if (error.code === "ENEDIS_BUSY" && nothingServed() && ctx.counted?.allowed) {
      await refundRequest(env, ctx.caller.userId, "no_cache");
      ctx.counted = { ...ctx.counted, used: ctx.counted.used - 1, remaining: ctx.counted.remaining + 1 };
    }
    throw error;
  }
}
