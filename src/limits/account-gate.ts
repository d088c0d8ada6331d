import { DurableObject } from "cloudflare:workers";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Env } from "../env";
import { createEnedisClient } from "../enedis/client";
import { readTokenRecord, writeTokenRecord, type TokenRecord } from "../enedis/token-store";
import { AppError, type ErrorCode } from "../http/errors";
import { nextUtcMidnightSec, utcDay } from "./time";

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

/** An AppError flattened for RPC. */
export interface SerializedAppError {
  status: ContentfulStatusCode;
  code: ErrorCode;
  message: string;
  field?: string;
  retryAfter?: number;
  headers?: Record<string, string>;
}

export type TokenOutcome = { ok: true; accessToken: string } | { ok: false; error: SerializedAppError };

export interface QuotaUsage {
  cached: number;
  noCache: number;
  resetAtSec: number;
}

/** A token with less life left than this is refreshed first: a call must not start with a token about to die. */
export const TOKEN_MIN_LIFETIME_MS = 60_000;

/**
 * One instance per account (idFromName(userId)). It serializes what must never race for an account:
 * - the daily quota counters (SQLite table quota_counts(day, kind, used)): each count is a read and a write
 *   with no await between them, so the object's input gate makes it atomic;
 * - the Enedis token refresh of the account's PDLs: a KV read and an Enedis call are outbound I/O, during which
 *   other requests do get in, so an in-memory in-flight promise per PDL makes concurrent refreshes share one
 *   upstream fetch.
 */
export class AccountGate extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly refreshes = new Map<string, Promise<string>>();

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
    return { allowed: true, used: used + 1, limit, remaining: limit - used - 1, resetAtSec };
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
    this.refreshes.clear();
    await this.ctx.storage.deleteAll();
    this.createSchema(); // the live instance may still get a request racing the deletion: it must find an empty table, not none
  }

  /**
   * An Enedis access token for this PDL with at least a minute to live, refreshed when missing, near expiry or
   * `force`d (after Enedis answered 401). Concurrent callers — forced ones included — share one refresh.
   * `rejectedToken` (optional, with force): the token Enedis refused; if the record already holds another one,
   * someone refreshed meanwhile and it is returned without a new fetch.
   * Answers an outcome rather than throwing: RPC keeps only an error's message, and callers need the
   * AppError's status and code (validEnedisTokenFor in quota.ts rethrows it).
   */
  async validEnedisToken(usagePointId: string, opts: { force?: boolean; rejectedToken?: string } = {}): Promise<TokenOutcome> {
    try {
      return { ok: true, accessToken: await this.tokenFor(usagePointId, opts) };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { ok: false, error: { status: err.status, code: err.code, message: err.message, ...err.extra } };
    }
  }

  private async tokenFor(usagePointId: string, opts: { force?: boolean; rejectedToken?: string }): Promise<string> {
    const running = this.refreshes.get(usagePointId);
    if (running) return running;
    const record = await readTokenRecord(this.env, usagePointId);
    // Others may have started a refresh while the KV read was in flight.
    const startedMeanwhile = this.refreshes.get(usagePointId);
    if (startedMeanwhile) return startedMeanwhile;
    if (record && isFresh(record, Date.now())) {
      if (!opts.force) return record.accessToken;
      if (opts.rejectedToken !== undefined && opts.rejectedToken !== record.accessToken) return record.accessToken;
    }
    return this.refresh(usagePointId, record);
  }

  /** Starts the one refresh for this PDL; registered before any await so every later caller finds it. */
  private refresh(usagePointId: string, previous: TokenRecord | null): Promise<string> {
    const refresh = (async () => {
      const token = await createEnedisClient(this.env).fetchToken();
      // No consent record yet (consent flow still running) is fine: the token works, consent is simply unknown.
      await writeTokenRecord(this.env, usagePointId, {
        accessToken: token.accessToken,
        expiresAtMs: token.expiresAtMs,
        consentExpiresAt: previous?.consentExpiresAt ?? null,
      });
      return token.accessToken;
    })();
    this.refreshes.set(usagePointId, refresh);
    const forget = () => {
      if (this.refreshes.get(usagePointId) === refresh) this.refreshes.delete(usagePointId);
    };
    refresh.then(forget, forget); // a failed refresh is forgotten too, so the next caller tries again
    return refresh;
  }

  private used(day: string, kind: QuotaKind): number {
    const row = this.sql.exec<{ used: number }>(`SELECT used FROM quota_counts WHERE day = ? AND kind = ?`, day, kind).toArray()[0];
    return row?.used ?? 0;
  }
}

const isFresh = (record: TokenRecord, nowMs: number) => record.expiresAtMs - nowMs >= TOKEN_MIN_LIFETIME_MS;
