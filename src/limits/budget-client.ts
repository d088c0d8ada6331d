import type { Env } from "../env";
import type { BudgetScope } from "../enedis/types";
import { AppError } from "../http/errors";
import { ENEDIS_BUDGET_NAME, type BudgetStats } from "./enedis-budget";
import { sleep } from "./time";

/**
 * How long a request may queue for an Enedis slot before the client is told to come back. A load curve over a
 * year is ~53 calls, so a single request may wait several times; each wait stays short enough that nothing hangs.
 */
export const DEFAULT_MAX_WAIT_MS = 8_000;

const budget = (env: Env) => env.ENEDIS_BUDGET.get(env.ENEDIS_BUDGET.idFromName(ENEDIS_BUDGET_NAME));

/**
 * Takes one slot of Enedis's global budget for a call to `api` and waits until that slot's start time.
 * Refusals, and why they map to these statuses:
 * - 429 ENEDIS_BUSY: the per-second queue is full, or Enedis itself throttled us — short-lived, retry soon;
 * - 503 ENEDIS_BUSY: this API's hourly cap is used up — the service is unavailable for a while (up to an hour)
 *   for everybody, which is a server-side condition rather than something this client did.
 * Both carry `retryAfter` (seconds), which onError turns into a Retry-After header.
 */
export async function acquireEnedisPermit(
  env: Env,
  api: BudgetScope,
  // priority/accountId: background sync's calls (SYNC_BUDGET_SHARE); taken into account by the budget's own branch
  opts: { maxWaitMs?: number; priority?: "interactive" | "sync"; accountId?: string } = {},
): Promise<void> {
  const reservation = await budget(env).reserve(api, opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
  if (reservation.ok) {
    await sleep(reservation.waitMs);
    return;
  }
  const retryAfter = reservation.retryAfterSec;
  if (reservation.reason === "hourly") {
    throw new AppError(503, "ENEDIS_BUSY", "Le quota horaire d'appels à Enedis de la passerelle est épuisé ; réessayez plus tard.", { retryAfter });
  }
  throw new AppError(429, "ENEDIS_BUSY", "Enedis est très sollicité en ce moment ; réessayez dans quelques instants.", { retryAfter });
}

/**
 * Records an Enedis 429's "next access" time so no isolate calls `api` (null: any API) before it.
 * The caller parses Enedis's answer; a missing time is best reported as a few seconds from now.
 */
export async function reportEnedisThrottle(env: Env, api: BudgetScope | null, untilMs: number): Promise<void> {
  await budget(env).blockUntil(api, untilMs);
}

/** Enedis calls granted today (UTC), in total and per API — for the admin statistics. */
export async function enedisBudgetStats(env: Env): Promise<BudgetStats> {
  return budget(env).stats();
}
