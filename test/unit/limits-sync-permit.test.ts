import { describe, expect, it } from "vitest";
import { rateWindowMs, spacingMs } from "../../src/limits/budget-ledger";
import {
  SYNC_ACCOUNT_FLOOR,
  SYNC_PACE_WINDOW_MS,
  accountFairShare,
  decideSyncPermit,
  syncHourlyBudget,
  syncPaceLimit,
  syncRateLimit,
  type SyncLimits,
  type SyncView,
} from "../../src/limits/sync-permit";

const T = Date.UTC(2026, 9, 1, 10, 0, 0);
const HOUR = 3_600_000;
/** Defaults: 5/s, 1000/h, share 0.5 → sync budget 500/h, pace 50 per 6 min, fair share ≥ 10. */
const RATE_WINDOW_MS = rateWindowMs(5);
const limits: SyncLimits = { perSecond: 5, perHourPerApi: 1000, syncShare: 0.5, spacingMs: spacingMs(5), rateWindowMs: RATE_WINDOW_MS };
const empty: SyncView = { blockedUntil: 0, allRecent: [], apiHour: [], syncHour: [], accountHour: [], accountsSyncing: 1 };
/** `n` starts one second apart, beginning `agoMs` before T. */
const run = (n: number, agoMs: number, stepMs = 1000) => Array.from({ length: n }, (_, i) => T - agoMs + i * stepMs);

describe("sync permit rules (pure, virtual time)", () => {
  it("derives its numbers from the configuration", () => {
    expect(syncHourlyBudget(limits)).toBe(500);
    expect(syncHourlyBudget({ perHourPerApi: 1000, syncShare: 0 })).toBe(0);
    expect(syncHourlyBudget({ perHourPerApi: 1000, syncShare: 1 })).toBe(1000);
    expect(syncPaceLimit(500)).toBe(50);
    expect(syncPaceLimit(3)).toBe(1);
    expect(syncRateLimit(5)).toBe(4);
    expect(syncRateLimit(1)).toBe(1);
    expect(accountFairShare(500, 1)).toBe(500);
    expect(accountFairShare(500, 4)).toBe(125);
    expect(accountFairShare(500, 1000)).toBe(SYNC_ACCOUNT_FLOOR);
  });

  it("grants when nothing else is going on", () => {
    expect(decideSyncPermit(empty, T, limits)).toEqual({ ok: true });
  });

  it("waits out an Enedis block", () => {
    expect(decideSyncPermit({ ...empty, blockedUntil: T + 30_000 }, T, limits)).toEqual({ ok: false, reason: "enedis_throttled", waitMs: 30_000 });
  });

  it("leaves one call per second to interactive requests and never queues", () => {
    const S = limits.spacingMs;
    expect(decideSyncPermit({ ...empty, allRecent: run(3, 3 * S, S) }, T, limits)).toEqual({ ok: true });
    // Closer than one spacing to a past start, or to a start already promised: not now.
    expect(decideSyncPermit({ ...empty, allRecent: [T - S + 1] }, T, limits)).toEqual({ ok: false, reason: "rate", waitMs: 1 });
    expect(decideSyncPermit({ ...empty, allRecent: [T + S - 1] }, T, limits)).toMatchObject({ ok: false, reason: "rate" });
    // Four starts in the window: a fifth by sync would leave nothing for a client.
    expect(decideSyncPermit({ ...empty, allRecent: run(4, 100, 10) }, T, limits)).toEqual({ ok: false, reason: "rate", waitMs: RATE_WINDOW_MS - 100 });
    // Interactive slots already promised in the coming second count too.
    expect(decideSyncPermit({ ...empty, allRecent: run(4, -200, 10) }, T, limits)).toMatchObject({ ok: false, reason: "rate" });
    const onePerSecond = { ...limits, perSecond: 1 };
    expect(decideSyncPermit(empty, T, onePerSecond)).toEqual({ ok: true });
    expect(decideSyncPermit({ ...empty, allRecent: [T - 500] }, T, onePerSecond)).toMatchObject({ ok: false, reason: "rate" });
  });

  it("only uses what interactive requests left of the API's hour", () => {
    const interactive = run(999, HOUR - 1000, 1000);
    expect(decideSyncPermit({ ...empty, apiHour: interactive }, T, limits)).toEqual({ ok: true });
    expect(decideSyncPermit({ ...empty, apiHour: [...interactive, T - 1].sort((a, b) => a - b) }, T, limits)).toEqual({
      ok: false,
      reason: "hourly",
      waitMs: 1000,
    });
  });

  it("never exceeds its share of the rolling hour", () => {
    // 500 sync calls an hour ago (packed, so pacing is not what binds now).
    const sync = run(500, HOUR - 1000, 10);
    const view = { ...empty, apiHour: sync, syncHour: sync, accountsSyncing: 100 };
    expect(decideSyncPermit(view, T, limits)).toEqual({ ok: false, reason: "sync_share", waitMs: 1000 });
    expect(decideSyncPermit({ ...view, syncHour: sync.slice(1), apiHour: sync.slice(1) }, T, limits)).toEqual({ ok: true });
    expect(decideSyncPermit(empty, T, { ...limits, syncShare: 0 })).toEqual({ ok: false, reason: "sync_share", waitMs: HOUR });
  });

  it("spreads its share over the hour instead of bursting", () => {
    const burst = run(50, 60_000, 100);
    const view = { ...empty, apiHour: burst, syncHour: burst, accountsSyncing: 100 };
    // 50 in the last minute: the 6-minute window is full until the first of them leaves it.
    expect(decideSyncPermit(view, T, limits)).toEqual({ ok: false, reason: "sync_pace", waitMs: SYNC_PACE_WINDOW_MS - 60_000 });
    expect(decideSyncPermit({ ...view, syncHour: burst.slice(1) }, T, limits)).toEqual({ ok: true });
  });

  it("keeps each account to its fair share of sync", () => {
    const mine = run(125, HOUR - 1000, 20_000); // 125 calls spread over the last 42 minutes
    const view = { ...empty, apiHour: mine, syncHour: mine, accountHour: mine };
    expect(decideSyncPermit({ ...view, accountsSyncing: 3 }, T, limits)).toEqual({ ok: true }); // 166 each
    expect(decideSyncPermit({ ...view, accountsSyncing: 4 }, T, limits)).toEqual({ ok: false, reason: "sync_account", waitMs: 1000 }); // 125 each
    // However many accounts sync, each may make the floor's worth of calls.
    const few = run(SYNC_ACCOUNT_FLOOR - 1, HOUR - 1000, 60_000);
    expect(decideSyncPermit({ ...empty, apiHour: few, syncHour: few, accountHour: few, accountsSyncing: 10_000 }, T, limits)).toEqual({ ok: true });
    const floor = run(SYNC_ACCOUNT_FLOOR, HOUR - 1000, 60_000);
    expect(decideSyncPermit({ ...empty, apiHour: floor, syncHour: floor, accountHour: floor, accountsSyncing: 10_000 }, T, limits)).toMatchObject({
      ok: false,
      reason: "sync_account",
    });
  });

  it("answers the longest of the binding waits", () => {
    const view = { ...empty, blockedUntil: T + 5_000, allRecent: run(4, 100, 10) };
    expect(decideSyncPermit(view, T, limits)).toEqual({ ok: false, reason: "enedis_throttled", waitMs: 5_000 });
    expect(decideSyncPermit({ ...view, blockedUntil: T + 500 }, T, limits)).toEqual({ ok: false, reason: "rate", waitMs: RATE_WINDOW_MS - 100 });
  });
});
