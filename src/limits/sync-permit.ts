import { earliestStart, fitsAt } from "./slots";
import { HOUR_MS } from "./time";

/**
 * When background sync may call Enedis — pure, so every rule is tested on plain arrays with a virtual clock.
 *
 * Interactive requests come first: sync only takes what is free right now and leaves room behind it.
 * A sync call is granted at `nowMs` only when ALL of these hold (numbers for the defaults 5/s, 1000/h, share 0.5):
 *  1. no Enedis block is in force for the API;
 *  2. it starts now (sync never queues), at least the budget's spacing after and before every other start
 *     (one every 210 ms), and, counting it, every window of `perSecond` spacings (1.05 s) holds at most
 *     `perSecond - 1` starts (4), so an interactive request arriving in that second still finds a slot;
 *  3. the API's rolling hour, counting it, holds at most `perHourPerApi` starts (1000) — sync only uses what
 *     interactive requests left;
 *  4. sync's own starts on the API in the rolling hour stay within `floor(share × perHourPerApi)` (500), so
 *     interactive requests always keep the rest (500);
 *  5. pacing: sync's starts on the API in any `SYNC_PACE_WINDOW_MS` (6 min) stay within a tenth of that share
 *     (50), so the share is spread over the hour instead of spent in its first minutes;
 *  6. fair share: one account's sync starts on the API in the rolling hour stay within
 *     `max(SYNC_ACCOUNT_FLOOR, floor(share budget / accounts that asked for that API this hour))` (10 … 500).
 * A refusal names the rule that needs the longest wait and that wait, so the sync engine reschedules itself.
 */

/** Sync's hourly share is spread over this window so it is not spent in the hour's first minutes. */
export const SYNC_PACE_WINDOW_MS = 6 * 60_000;
/**
 * An account may always sync this many calls per API per rolling hour (within the share): its daily sync of
 * every series (about 5 calls) and a week of gaps fit in one hour, however many accounts are syncing.
 */
export const SYNC_ACCOUNT_FLOOR = 10;

export type SyncRefusalReason = "enedis_throttled" | "rate" | "hourly" | "sync_share" | "sync_pace" | "sync_account";

export interface SyncLimits {
  perSecond: number;
  perHourPerApi: number;
  /** 0..1: SYNC_BUDGET_SHARE. */
  syncShare: number;
  /** Minimum gap between two starts (the ledger's spacingMs(perSecond)). */
  spacingMs: number;
  /** The window holding at most `perSecond` starts at that spacing (the ledger's rateWindowMs(perSecond)). */
  rateWindowMs: number;
}

/** Sorted start times (ms) the decision needs, all taken from the ledger (past and already promised future starts). */
export interface SyncView {
  /** Enedis block end for this API (0: none). */
  blockedUntil: number;
  /** Every API's starts around now (at least those within a rate window of `nowMs`). */
  allRecent: readonly number[];
  /** This API's starts of the rolling hour, any priority. */
  apiHour: readonly number[];
  /** This API's sync starts of the rolling hour. */
  syncHour: readonly number[];
  /** This API's sync starts of the rolling hour by this account. */
  accountHour: readonly number[];
  /** Distinct accounts that asked for a sync permit on this API in the rolling hour (granted or not), this one included. */
  accountsSyncing: number;
}

export type SyncDecision = { ok: true } | { ok: false; reason: SyncRefusalReason; waitMs: number };

/** Sync's hourly budget for one API: the share of the hourly limit, never more than the limit. */
export function syncHourlyBudget(limits: Pick<SyncLimits, "perHourPerApi" | "syncShare">): number {
  return Math.min(limits.perHourPerApi, Math.floor(limits.syncShare * limits.perHourPerApi));
}

/** Sync starts allowed per pace window: a tenth of the hourly share (6 min of 60), at least 1. */
export function syncPaceLimit(syncBudget: number): number {
  return Math.max(1, Math.ceil((syncBudget * SYNC_PACE_WINDOW_MS) / HOUR_MS));
}

/** One account's sync starts allowed per API per rolling hour, given how many accounts sync it this hour. */
export function accountFairShare(syncBudget: number, accountsSyncing: number): number {
  return Math.max(SYNC_ACCOUNT_FLOOR, Math.floor(syncBudget / Math.max(1, accountsSyncing)));
}

/** Sync leaves one call per second to interactive requests (with a 1/s limit it can only take an empty second). */
export function syncRateLimit(perSecond: number): number {
  return Math.max(1, perSecond - 1);
}

export function decideSyncPermit(view: SyncView, nowMs: number, limits: SyncLimits): SyncDecision {
  const budget = syncHourlyBudget(limits);
  const waits: { reason: SyncRefusalReason; waitMs: number }[] = [];
  const need = (reason: SyncRefusalReason, starts: readonly number[], limit: number, windowMs: number) => {
    if (!fitsAt(starts, nowMs, limit, windowMs)) waits.push({ reason, waitMs: earliestStart(starts, nowMs, limit, windowMs) - nowMs });
  };

  if (view.blockedUntil > nowMs) waits.push({ reason: "enedis_throttled", waitMs: view.blockedUntil - nowMs });
  if (budget === 0) {
    // SYNC_BUDGET_SHARE=0 (or a limit so small its share rounds to nothing): sync is off; look again in an hour.
    waits.push({ reason: "sync_share", waitMs: HOUR_MS });
  } else {
    need("rate", view.allRecent, 1, limits.spacingMs);
    need("rate", view.allRecent, syncRateLimit(limits.perSecond), limits.rateWindowMs);
    need("hourly", view.apiHour, limits.perHourPerApi, HOUR_MS);
    need("sync_share", view.syncHour, budget, HOUR_MS);
    need("sync_pace", view.syncHour, syncPaceLimit(budget), SYNC_PACE_WINDOW_MS);
    need("sync_account", view.accountHour, Math.min(budget, accountFairShare(budget, view.accountsSyncing)), HOUR_MS);
  }
  if (waits.length === 0) return { ok: true };
  // The longest wait is the one worth rescheduling for: the shorter ones will have passed by then.
  const binding = waits.reduce((a, b) => (b.waitMs > a.waitMs ? b : a));
  return { ok: false, ...binding };
}
