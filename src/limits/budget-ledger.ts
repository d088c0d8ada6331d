import type { BudgetScope } from "../enedis/types";
import { earliestStart } from "./slots";
import { SYNC_ACCOUNT_FLOOR, decideSyncPermit, type SyncRefusalReason } from "./sync-permit";
import { DAY_MS, HOUR_MS, SECOND_MS, retryAfterSeconds, utcDay } from "./time";

/**
 * The bookkeeping behind EnedisBudget, over the Durable Object's SQLite storage. Every method is synchronous
 * (ctx.storage.sql is), so each call runs to completion before the next request is delivered: no two
 * reservations can ever pick the same slot.
 *
 * Tables:
 *   grants(api, start_ms, priority, account)
 *                                    every granted start of the last hour (also the future ones): both windows;
 *                                    priority 'interactive' | 'sync', account set for sync (its fair share)
 *   sync_demand(api, account, last_ms)
 *                                    the last time each account asked for a sync permit per API (fair share), 1 h
 *   blocks(scope, until_ms)          Enedis 429 "next access" times; scope is an BudgetScope or "*" for all APIs
 *   daily_calls(day, api, calls)     granted calls per UTC day and API, for the admin statistics (kept 31 days)
 *   begins(start_ms)                 when each granted call actually started (its caller's `begin`), one minute
 */

export interface BudgetLimits {
  perSecond: number;
  perHourPerApi: number;
  /** SYNC_BUDGET_SHARE (0..1); only sync reservations read it. */
  syncShare?: number;
}

export type Reservation =
  | { ok: true; waitMs: number; startAtMs: number }
  | { ok: false; retryAfterSec: number; reason: "rate" | "hourly" | "enedis_throttled" };

/** A caller at its slot: go now, or wait `waitMs` because the previous call actually started less than a spacing ago. */
export type Begin = { ok: true } | { ok: false; waitMs: number };

/**
 * A sync reservation starts now or not at all; a refusal says which rule binds and when to look again
 * (`waitMs`, exact; `retryAfterSec`, the same rounded up to whole seconds).
 */
export type SyncReservation = { ok: true; startAtMs: number } | { ok: false; retryAfterSec: number; reason: SyncRefusalReason; waitMs: number };

export const DEFAULT_SYNC_SHARE = 0.5;

export interface BudgetStats {
  today: { enedisCalls: number };
  perApi: Record<string, number>;
}

/**
 * Starts are spread evenly, one every `spacingMs(perSecond)`, rather than allowed in bursts of `perSecond`: Enedis
 * counts calls in any sliding second, and a call reaches it a variable time after it starts (the RPC answer, the
 * trip to Enedis). With starts `s` apart, perSecond + 1 consecutive arrivals span perSecond × s minus the spread
 * of those delays, so perSecond × s = 1 s + JITTER_MARGIN_MS keeps every real second at `perSecond` calls while
 * the delays spread by less than the margin. The margin is measured, not guessed: `npm run bench` part 3 reports
 * the tightest span of perSecond + 1 arrivals at the simulator; with callers checked at their slot (begin), six
 * consecutive arrivals never spanned less than 1 024 ms of the planned 1 060 over four runs on the saturated
 * 2-core machine (at most 36 ms used; 10 ms on a quiet one, docs/benchmark.md): 50 ms keeps 14 ms above the worst
 * seen. 5/s becomes one call every 210 ms (4.76/s planned) instead of 5 per 1.2 s window (4.2/s).
 */
export const JITTER_MARGIN_MS = 50;

/** Minimum gap between two consecutive starts (all APIs, all priorities), whole milliseconds. */
export function spacingMs(perSecond: number): number {
  return Math.ceil((SECOND_MS + JITTER_MARGIN_MS) / perSecond);
}

/** The window in which at most `perSecond` starts fit at that spacing: what sync's "leave one slot" rule counts in. */
export function rateWindowMs(perSecond: number): number {
  return perSecond * spacingMs(perSecond);
}

const ALL_APIS = "*";
/** An Enedis "next access" farther away than this is treated as this (a bad value must not block forever). */
const MAX_BLOCK_MS = HOUR_MS;
const STATS_KEPT_DAYS = 31;
/** Begins only matter within a spacing of now; a minute is plenty and keeps the table tiny. */
const BEGINS_KEPT_MS = 60_000;

export class BudgetLedger {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS grants (api TEXT NOT NULL, start_ms INTEGER NOT NULL)`);
    // Objects created before priorities existed have grants without these columns: their rows were interactive.
    const columns = sql.exec<{ name: string }>(`PRAGMA table_info(grants)`).toArray().map((c) => c.name);
    if (!columns.includes("priority")) sql.exec(`ALTER TABLE grants ADD COLUMN priority TEXT NOT NULL DEFAULT 'interactive'`);
    if (!columns.includes("account")) sql.exec(`ALTER TABLE grants ADD COLUMN account TEXT`);
    sql.exec(`CREATE INDEX IF NOT EXISTS grants_by_start ON grants (start_ms)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS grants_by_api ON grants (api, start_ms)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS grants_by_sync ON grants (api, priority, account, start_ms)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS sync_demand (api TEXT NOT NULL, account TEXT NOT NULL, last_ms INTEGER NOT NULL, PRIMARY KEY (api, account))`);
    sql.exec(`CREATE INDEX IF NOT EXISTS sync_demand_by_time ON sync_demand (last_ms)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS sync_demand_by_api ON sync_demand (api, last_ms)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS blocks (scope TEXT PRIMARY KEY, until_ms INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS daily_calls (day TEXT NOT NULL, api TEXT NOT NULL, calls INTEGER NOT NULL, PRIMARY KEY (day, api))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS begins (start_ms INTEGER NOT NULL)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS begins_by_start ON begins (start_ms)`);
  }

  /**
   * A granted caller, at its slot, says it is about to call. Slots are planned; this is when calls really start.
   * A caller whose isolate was busy wakes up late, possibly next to the following slot's caller: the two would
   * reach Enedis together. So a call may start only one spacing after the previous call really started;
   * otherwise the caller is told to wait the difference (no new slot: its grant already counts in the hour).
   * Starts one spacing apart put at most `perSecond` in any window of 1 s + margin, and never a clump (a clump
   * of calls is itself a burst of work that delays what follows). A late call pushes the next ones back by its
   * delay, which is what costs pace on a busy machine (docs/benchmark.md).
   */
  begin(nowMs: number, limits: BudgetLimits): Begin {
    const spacing = spacingMs(limits.perSecond);
    this.sql.exec(`DELETE FROM begins WHERE start_ms <= ?`, nowMs - BEGINS_KEPT_MS);
    const recent = this.starts(`SELECT start_ms FROM begins WHERE start_ms > ? ORDER BY start_ms`, nowMs - spacing);
    const fit = earliestStart(recent, nowMs, 1, spacing);
    if (fit > nowMs) return { ok: false, waitMs: fit - nowMs };
    this.sql.exec(`INSERT INTO begins (start_ms) VALUES (?)`, nowMs);
    return { ok: true };
  }

  /** Grants the earliest start respecting both windows and any block, or refuses when it is more than maxWaitMs away. */
  reserve(api: BudgetScope, maxWaitMs: number, nowMs: number, limits: BudgetLimits): Reservation {
    this.prune(nowMs);
    const blockedUntil = Math.max(nowMs, this.blockedUntil(api));
    const spacing = spacingMs(limits.perSecond);
    const allRecent = this.starts(`SELECT start_ms FROM grants WHERE start_ms > ? ORDER BY start_ms`, blockedUntil - spacing);
    const apiHour = this.starts(`SELECT start_ms FROM grants WHERE api = ? AND start_ms > ? ORDER BY start_ms`, api, nowMs - HOUR_MS);

    // Each search returns the earliest fit at or after its input, so alternating them climbs to the earliest
    // time that fits both; every step moves to a strictly later candidate, so it ends.
    let startAt = blockedUntil;
    for (;;) {
      // At most one start in any `spacing` window: consecutive starts at least `spacing` apart (gaps left
      // between promised future starts are used when they are wide enough).
      const rateFit = earliestStart(allRecent, startAt, 1, spacing);
      const bothFit = earliestStart(apiHour, rateFit, limits.perHourPerApi, HOUR_MS);
      if (bothFit === rateFit) {
        startAt = rateFit;
        break;
      }
      startAt = bothFit;
    }

    const waitMs = startAt - nowMs;
    if (waitMs > maxWaitMs) {
      return { ok: false, retryAfterSec: retryAfterSeconds(waitMs), reason: this.refusalReason(blockedUntil, apiHour, maxWaitMs, nowMs, limits) };
    }
    this.record(api, startAt, "interactive", null);
    return { ok: true, waitMs, startAtMs: startAt };
  }

  /**
   * Background sync's permit: granted only to start now, within sync's share, pace and the account's fair share,
   * leaving per-second room for interactive requests (rules in sync-permit.ts). It never queues, so it can
   * never push an interactive request's start later than it would have been without it.
   */
  reserveSync(api: BudgetScope, accountId: string, nowMs: number, limits: BudgetLimits): SyncReservation {
    this.prune(nowMs);
    const hourAgo = nowMs - HOUR_MS;
    // Every account asking counts, granted or not: counting only granted ones would let the account that got
    // there first keep the whole share.
    this.sql.exec(
      `INSERT INTO sync_demand (api, account, last_ms) VALUES (?, ?, ?) ON CONFLICT (api, account) DO UPDATE SET last_ms = MAX(last_ms, excluded.last_ms)`,
      api,
      accountId,
      nowMs,
    );
    const accountHour = this.starts(
      `SELECT start_ms FROM grants WHERE api = ? AND priority = 'sync' AND account = ? AND start_ms > ? ORDER BY start_ms`,
      api,
      accountId,
      hourAgo,
    );
    // The fair share is never below the floor, so below it the (O(accounts)) count cannot change the answer.
    const accountsSyncing =
      accountHour.length < SYNC_ACCOUNT_FLOOR
        ? 1
        : this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM sync_demand WHERE api = ? AND last_ms > ?`, api, hourAgo).one().n;
    const decision = decideSyncPermit(
      {
        blockedUntil: this.blockedUntil(api),
        allRecent: this.starts(`SELECT start_ms FROM grants WHERE start_ms > ? ORDER BY start_ms`, nowMs - rateWindowMs(limits.perSecond)),
        apiHour: this.starts(`SELECT start_ms FROM grants WHERE api = ? AND start_ms > ? ORDER BY start_ms`, api, hourAgo),
        syncHour: this.starts(`SELECT start_ms FROM grants WHERE api = ? AND priority = 'sync' AND start_ms > ? ORDER BY start_ms`, api, hourAgo),
        accountHour,
        accountsSyncing,
      },
      nowMs,
      {
        perSecond: limits.perSecond,
        perHourPerApi: limits.perHourPerApi,
        syncShare: limits.syncShare ?? DEFAULT_SYNC_SHARE,
        spacingMs: spacingMs(limits.perSecond),
        rateWindowMs: rateWindowMs(limits.perSecond),
      },
    );
    if (!decision.ok) return { ok: false, reason: decision.reason, retryAfterSec: retryAfterSeconds(decision.waitMs), waitMs: decision.waitMs };
    // A sync call starts at once, so it must also keep its distance from the calls that really started.
    const started = this.begin(nowMs, limits);
    if (!started.ok) return { ok: false, reason: "rate", retryAfterSec: retryAfterSeconds(started.waitMs), waitMs: started.waitMs };
    this.record(api, nowMs, "sync", accountId);
    return { ok: true, startAtMs: nowMs };
  }

  private record(api: BudgetScope, startAt: number, priority: "interactive" | "sync", account: string | null): void {
    this.sql.exec(`INSERT INTO grants (api, start_ms, priority, account) VALUES (?, ?, ?, ?)`, api, startAt, priority, account);
    this.sql.exec(
      `INSERT INTO daily_calls (day, api, calls) VALUES (?, ?, 1) ON CONFLICT (day, api) DO UPDATE SET calls = calls + 1`,
      utcDay(startAt),
      api,
    );
  }

  /** Honours an Enedis 429: no grant for `api` (null: any API) starts before `untilMs`. Later blocks win. */
  blockUntil(api: BudgetScope | null, untilMs: number, nowMs: number): void {
    if (!Number.isFinite(untilMs) || untilMs <= nowMs) return;
    const until = Math.min(untilMs, nowMs + MAX_BLOCK_MS);
    this.sql.exec(
      `INSERT INTO blocks (scope, until_ms) VALUES (?, ?) ON CONFLICT (scope) DO UPDATE SET until_ms = MAX(until_ms, excluded.until_ms)`,
      api ?? ALL_APIS,
      until,
    );
  }

  /** Calls granted on the UTC day of `nowMs`, in total and per API. */
  stats(nowMs: number): BudgetStats {
    const perApi: Record<string, number> = {};
    let total = 0;
    for (const row of this.sql.exec<{ api: string; calls: number }>(`SELECT api, calls FROM daily_calls WHERE day = ?`, utcDay(nowMs))) {
      perApi[row.api] = row.calls;
      total += row.calls;
    }
    return { today: { enedisCalls: total }, perApi };
  }

  private blockedUntil(api: BudgetScope): number {
    const row = this.sql.exec<{ until: number | null }>(`SELECT MAX(until_ms) AS until FROM blocks WHERE scope IN (?, ?)`, api, ALL_APIS).one();
    return row.until ?? 0;
  }

  private starts(query: string, ...params: (string | number)[]): number[] {
    return this.sql.exec<{ start_ms: number }>(query, ...params).toArray().map((r) => r.start_ms);
  }

  /** The binding constraint, most specific first: an Enedis block, then the hourly cap, else the per-second queue. */
  private refusalReason(blockedUntil: number, apiHour: number[], maxWaitMs: number, nowMs: number, limits: BudgetLimits) {
    if (blockedUntil - nowMs > maxWaitMs) return "enedis_throttled" as const;
    if (earliestStart(apiHour, nowMs, limits.perHourPerApi, HOUR_MS) - nowMs > maxWaitMs) return "hourly" as const;
    return "rate" as const;
  }

  private prune(nowMs: number): void {
    this.sql.exec(`DELETE FROM grants WHERE start_ms <= ?`, nowMs - HOUR_MS);
    this.sql.exec(`DELETE FROM blocks WHERE until_ms <= ?`, nowMs);
    this.sql.exec(`DELETE FROM sync_demand WHERE last_ms <= ?`, nowMs - HOUR_MS);
    this.sql.exec(`DELETE FROM daily_calls WHERE day < ?`, utcDay(nowMs - STATS_KEPT_DAYS * DAY_MS));
  }
}
