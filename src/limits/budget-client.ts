import type { Env } from "../env";
import type { BudgetScope } from "../enedis/types";
import { AppError } from "../http/errors";
import { emitEvent } from "../observability/events";
import { ENEDIS_BUDGET_NAME, type BudgetStats } from "./enedis-budget";
import { reserveOnTime, syncPermitSoon } from "./on-time-start";
import type { SyncRefusalReason } from "./sync-permit";
import { sleep } from "./time";

/**
 * How long a request may queue for an Enedis slot before the client is told to come back. A load curve over a
 * year is ~53 calls, so a single request may wait several times; each wait stays short enough that nothing hangs.
 */
export const DEFAULT_MAX_WAIT_MS = 8_000;

export type PermitPriority = "interactive" | "sync";

export interface PermitOptions {
  /** Interactive only: how long the caller may queue (sync never queues). */
  maxWaitMs?: number;
  /** "interactive" (default): a client is waiting. "sync": background sync, served only with what is left. */
  priority?: PermitPriority;
  /** Sync: the account the call is for (its fair share of sync). */
  accountId?: string;
}

/**
 * A sync permit refused: no client is waiting, so nobody is answered ENEDIS_BUSY; the sync engine catches it and
 * tries again after `retryAfterSec` (`reason`: the binding rule, sync-permit.ts). It is an AppError with the
 * ENEDIS_BUSY code so that code handling Enedis errors generically (the sync run's catch) treats it as "busy, try
 * later" — and should it ever reach a client, it would be a documented 503 with Retry-After, not a 500.
 */
export class SyncPermitDeferred extends AppError {
  constructor(
    readonly retryAfterSec: number,
    readonly reason: SyncRefusalReason,
  ) {
    super(503, "ENEDIS_BUSY", "La synchronisation attend son tour auprès d'Enedis.", { retryAfter: retryAfterSec });
    this.name = "SyncPermitDeferred";
  }
}

/** The account key used for a sync permit given without an account: all such calls share one fair share. */
const UNNAMED_ACCOUNT = "-";

const budget = (env: Env) => env.ENEDIS_BUDGET.get(env.ENEDIS_BUDGET.idFromName(ENEDIS_BUDGET_NAME));

/**
 * Takes one slot of Enedis's global budget for a call to `api` and waits until that slot's start time.
 * Refusals, and why they map to these statuses:
 * - 429 ENEDIS_BUSY: the per-second queue is full, or Enedis itself throttled us — short-lived, retry soon;
 * - 503 ENEDIS_BUSY: this API's hourly cap is used up — the service is unavailable for a while (up to an hour)
 *   for everybody, which is a server-side condition rather than something this client did.
 * Both carry `retryAfter` (seconds), which onError turns into a Retry-After header.
 *
 * With `priority: "sync"` the permit is granted only if the call can start now without taking what interactive
 * requests need (rules in sync-permit.ts); otherwise it throws SyncPermitDeferred with the time to try again.
 */
export async function acquireEnedisPermit(env: Env, api: BudgetScope, opts: PermitOptions = {}): Promise<void> {
  // Counted for the admin page (calls per API per hour, refusals): a D1 upsert per Enedis call, none on a cache hit.
  if (opts.priority === "sync") {
    const granted = await syncPermitSoon(() => budget(env).reserveSync(api, opts.accountId ?? UNNAMED_ACCOUNT), { sleep });
    if (!granted.ok) {
      await emitEvent(env, "budget_refused", { api, priority: "sync", reason: granted.reason, retry_after_s: granted.retryAfterSec });
      throw new SyncPermitDeferred(granted.retryAfterSec, granted.reason);
    }
    await emitEvent(env, "enedis_call", { api });
    return;
  }
  // Waits for the slot, then for the previous call to be a spacing old: a late caller must not crowd the next one (on-time-start.ts).
  const reservation = await reserveOnTime(budget(env), api, opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS, { sleep });
  if (reservation.ok) {
    await emitEvent(env, "enedis_call", { api });
    return;
  }
  const retryAfter = reservation.retryAfterSec;
  await emitEvent(env, "budget_refused", { api, priority: "interactive", reason: reservation.reason, retry_after_s: retryAfter });
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
