import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { HOUR_MS, nextUtcMidnightSec, utcDay } from "./time";

export type QuotaKind = "cached" | "no_cache";

export interface QuotaLimits {
  noCache: number;
  withCache: number;
}

export interface QuotaResult {
  allowed: boolean;
  used: number;
  limit: number;
  remaining: number;
  /** epoch seconds of the next UTC midnight, when the counter starts again */
  resetAtSec: number;
}

export interface QuotaUsage {
  cached: number;
  noCache: number;
  resetAtSec: number;
}

/**
 * One instance per account (idFromName(userId)). It serializes what must never race for an account:
 * the daily quota counters (SQLite table quota_counts(day, kind, used)): each count is a read and a write with no
 * await between them, so the object's input gate makes it atomic. (The Enedis token is the application's, one for
 * the whole gateway: limits/token-keeper.ts.)
 */
export class AccountGate extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.createSchema();
  }

  private createSchema(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS quota_counts (day TEXT NOT NULL, kind TEXT NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (day, kind))`);
  }

  /** Counts one request of `kind` for the UTC day of `nowMs`, unless that day's limit is reached (refusals don't count). */
  count(kind: QuotaKind, limits: QuotaLimits, nowMs: number): QuotaResult {
    const day = utcDay(nowMs);
    // Earlier days are over; "<" rather than "<>" so a caller whose clock is a hair behind midnight can't wipe today.
    this.sql.exec(`DELETE FROM quota_counts WHERE day < ?`, day);
    const limit = kind === "cached" ? limits.withCache : limits.noCache;
    const resetAtSec = nextUtcMidnightSec(nowMs);
    const used = this.used(day, kind);
    if (used >= limit) return { allowed: false, used, limit, remaining: 0, resetAtSec };
    this.sql.exec(
      `INSERT INTO quota_counts (day, kind, used) VALUES (?, ?, 1) ON CONFLICT (day, kind) DO UPDATE SET used = used + 1`,
      day,
      kind,
    );
    // Counters outlive their day by at most an hour: then the object empties itself (alarm below). A request still in
    // flight when the account was deleted may count once more; this keeps even that from staying (SECURITY.md 7).
    void this.ctx.storage.setAlarm(nextUtcMidnightSec(Date.now()) * 1000 + HOUR_MS);
    return { allowed: true, used: used + 1, limit, remaining: limit - used - 1, resetAtSec };
  }

  /** After the day's end: earlier days go; an object with nothing left keeps nothing at all. */
  async alarm(): Promise<void> {
    this.sql.exec(`DELETE FROM quota_counts WHERE day < ?`, utcDay(Date.now()));
    const left = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM quota_counts`).one().n;
    if (left > 0) return;
    await this.ctx.storage.deleteAll();
    this.createSchema(); // this live instance may still be asked to count: it must find an empty table, not none
  }

  /**
   * Gives back one counted request of `kind` for the UTC day of `nowMs`: the gateway-wide Enedis budget refused
   * it before any data came back, so the account did not get what it paid for.
   */
  refund(kind: QuotaKind, nowMs: number): void {
    this.sql.exec(`UPDATE quota_counts SET used = used - 1 WHERE day = ? AND kind = ? AND used > 0`, utcDay(nowMs), kind);
  }

  usage(nowMs: number): QuotaUsage {
    const day = utcDay(nowMs);
    return { cached: this.used(day, "cached"), noCache: this.used(day, "no_cache"), resetAtSec: nextUtcMidnightSec(nowMs) };
  }

  /** Administrator action: today's counters start again from zero. */
  resetQuota(): void {
    this.sql.exec(`DELETE FROM quota_counts`);
  }

  /** Account deletion: nothing of this account stays in the object's storage. */
  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.createSchema(); // the live instance may still get a request racing the deletion: it must find an empty table, not none
  }

  private used(day: string, kind: QuotaKind): number {
    const row = this.sql.exec<{ used: number }>(`SELECT used FROM quota_counts WHERE day = ? AND kind = ?`, day, kind).toArray()[0];
    return row?.used ?? 0;
  }
}

