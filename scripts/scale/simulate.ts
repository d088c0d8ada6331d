/**
 * One scenario of the scale simulation: N households for a warm-up day and a measured day, with background sync
 * off or on, driven by a virtual clock. What is real: the budget ledger (BudgetLedger over the Durable Object's
 * SQLite, the very code EnedisBudget runs, with the configured limits) and the sync scheduling policy
 * (src/sync/plan.ts nextAttemptAt). What is modelled: the households (households.ts), Enedis's latency and
 * publication times, and the mirror's cache reduced to "the newest day cached" per household.
 */
import { BudgetLedger, type BudgetLimits } from "../../src/limits/budget-ledger";
import { addDays, parisDay, parisMidnightMs } from "../../src/simulator/calendar";
import { nextAttemptAt, parisTimeMs, type SyncState } from "../../src/sync/plan";
import { EventQueue } from "./events";
import { POLL_CALLS, planDay, type DayPlan } from "./households";
import { quantile, seedOf } from "./random";

/** All five 2026 measurement resources share this Enedis API, so its hourly budget is the one that binds. */
const API = "mesure_synchrone_auto";
/** How long one Enedis call takes; a request's calls run one after the other. */
const CALL_LATENCY_MS = 400;
/** acquireEnedisPermit's default wait for an interactive call. */
const MAX_WAIT_MS = 8_000;
/** A sync run: daily consumption (which also tells whether D-1 is published), load curve, max power. */
const SYNC_RUN_CALLS = 3;
/**
 * What the sync engine does with a deferred permit (SyncPermitDeferred): try again after the retry time it was
 * given, or after a backoff that doubles with each consecutive deferral (30 min … 4 h), whichever is later,
 * spread by up to half of it so deferred PDLs do not come back together. A deferred PDL so costs the budget
 * object a few RPCs a day, not hundreds.
 */
const DEFER_BACKOFF_MIN_MS = 30 * 60_000;
const DEFER_BACKOFF_MAX_MS = 4 * 3_600_000;
const HOUR_MS = 3_600_000;

export interface ScenarioParams {
  households: number;
  sync: boolean;
  seed: number;
  limits: Required<BudgetLimits>;
  /** Paris day measured; the day before it is the warm-up. */
  day: string;
}

export interface ScenarioResult {
  households: number;
  sync: boolean;
  requests: number;
  served: number;
  cacheHits: number;
  busy429: number;
  busy503: number;
  freshnessP50H: number;
  freshnessP95H: number;
  /** Share of households whose D-1 is cached at 21:00 Paris. */
  yesterdayAt21: number;
  interactiveCalls: number;
  syncCalls: number;
  peakHourUse: number;
  syncDeferrals: number;
  reservations: number;
}

export function runScenario(sql: SqlStorage, p: ScenarioParams): ScenarioResult {
  const ledger = new BudgetLedger(sql);
  const q = new EventQueue();
  const n = p.households;
  const warmup = addDays(p.day, -1);
  const measuredFrom = parisMidnightMs(p.day);
  const measuredTo = parisMidnightMs(addDays(p.day, 1));
  let now = parisMidnightMs(warmup);
  const inMeasured = (t: number) => t >= measuredFrom && t < measuredTo;

  // Every household's cache holds everything up to the day before the warm-up's D-1.
  const cachedThrough: string[] = new Array(n).fill(addDays(warmup, -2));
  const plans = new Map<string, DayPlan>();
  const planOf = (day: string) => {
    let plan = plans.get(day);
    if (!plan) plans.set(day, (plan = planDay(n, day === warmup ? 1 : 2, p.seed)));
    return plan;
  };
  const isPublished = (h: number, t: number) => t >= parisTimeMs(parisDay(t), planOf(parisDay(t)).publishHour[h]);

  const r: ScenarioResult = {
    households: n,
    sync: p.sync,
    requests: 0,
    served: 0,
    cacheHits: 0,
    busy429: 0,
    busy503: 0,
    freshnessP50H: 0,
    freshnessP95H: 0,
    yesterdayAt21: 0,
    interactiveCalls: 0,
    syncCalls: 0,
    peakHourUse: 0,
    syncDeferrals: 0,
    reservations: 0,
  };
  const perHour = new Array(24).fill(0);
  const granted = (startAt: number, sync: boolean) => {
    if (!inMeasured(startAt)) return;
    if (sync) r.syncCalls++;
    else r.interactiveCalls++;
    perHour[Math.floor((startAt - measuredFrom) / HOUR_MS)]++;
  };

  /** A client request of `calls` Enedis calls; fails (ENEDIS_BUSY) at the first refused permit, as the gateway does. */
  const request = (t: number, calls: number, done: (ok: boolean, lastCallAt: number) => void) => {
    const measured = inMeasured(t);
    if (measured) r.requests++;
    const step = (k: number, at: number) => {
      r.reservations++;
      const res = ledger.reserve(API, MAX_WAIT_MS, at, p.limits);
      if (!res.ok) {
        if (measured) res.reason === "hourly" ? r.busy503++ : r.busy429++;
        return done(false, at);
      }
      granted(res.startAtMs, false);
      const next = res.startAtMs + CALL_LATENCY_MS;
      if (k + 1 === calls) {
        if (measured) r.served++;
        return done(true, res.startAtMs);
      }
      q.push(next, () => step(k + 1, next));
    };
    step(0, t);
  };

  const poll = (h: number, t: number) => {
    const yesterday = addDays(parisDay(t), -1);
    if (p.sync) touchRead(h, t);
    if (cachedThrough[h] >= yesterday) {
      if (inMeasured(t)) {
        r.requests++;
        r.served++;
        r.cacheHits++;
      }
      return;
    }
    request(t, POLL_CALLS, (ok, at) => {
      if (!ok) return;
      const got = isPublished(h, at) ? yesterday : addDays(yesterday, -1);
      if (got > cachedThrough[h]) cachedThrough[h] = got;
    });
  };

  // --- background sync: one SyncState per PDL, scheduled by plan.ts's nextAttemptAt ---
  const states: SyncState[] = [];
  const deferrals = new Uint8Array(n);
  const touchRead = (h: number, t: number) => {
    if (states[h]) states[h].lastReadDay = parisDay(t);
  };
  const schedule = (h: number, t: number) => {
    const v = nextAttemptAt(states[h], t);
    if (v.atMs !== null) q.push(Math.max(t, v.atMs), () => syncRun(h, 0, Math.max(t, v.atMs!)));
  };
  const syncRun = (h: number, fromCall: number, t: number) => {
    const s = states[h];
    const yesterday = addDays(parisDay(t), -1);
    if (fromCall === 0 && cachedThrough[h] >= yesterday) {
      // A client's poll already fetched D-1: the run finds nothing missing and makes no call.
      s.syncedThrough = yesterday;
      s.lastAttemptAtMs = t;
      return schedule(h, t + 1);
    }
    r.reservations++;
    const res = ledger.reserveSync(API, `acct-${h}`, t, p.limits);
    if (!res.ok) {
      if (inMeasured(t)) r.syncDeferrals++;
      const k = deferrals[h];
      deferrals[h] = Math.min(k + 1, 10);
      const backoff = Math.min(DEFER_BACKOFF_MAX_MS, DEFER_BACKOFF_MIN_MS * 2 ** k);
      const jitter = (seedOf(p.seed, h, t) / 4294967296) * backoff * 0.5;
      const at = t + Math.max(res.retryAfterSec * 1000, backoff + jitter);
      q.push(at, () => syncRun(h, fromCall, at));
      return;
    }
    deferrals[h] = 0;
    granted(t, true);
    if (fromCall === 0 && !isPublished(h, t)) {
      s.lastAttemptAtMs = t; // not published yet: plan.ts decides when to look again
      return schedule(h, t + CALL_LATENCY_MS);
    }
    const next = t + CALL_LATENCY_MS;
    if (fromCall + 1 < SYNC_RUN_CALLS) {
      q.push(next, () => syncRun(h, fromCall + 1, next));
      return;
    }
    if (yesterday > cachedThrough[h]) cachedThrough[h] = yesterday;
    s.syncedThrough = yesterday;
    s.lastAttemptAtMs = t;
    schedule(h, next);
  };
  if (p.sync) {
    for (let h = 0; h < n; h++) {
      states.push({
        usagePointId: String(10_000_000_000_000 + h),
        enabled: true,
        stopped: false,
        soonAtMs: null,
        syncedThrough: cachedThrough[h],
        lastAttemptAtMs: null,
        lastReadDay: addDays(warmup, -1),
        sinceMs: now - 30 * 24 * HOUR_MS,
      });
      schedule(h, now);
    }
  }

  // --- the households' own requests, both days ---
  for (const day of [warmup, p.day]) {
    const plan = planOf(day);
    for (let h = 0; h < n; h++) {
      const at = parisTimeMs(day, plan.pollHour[h]);
      q.push(at, () => poll(h, at));
    }
    for (const heavy of plan.heavy) {
      const at = parisTimeMs(day, heavy.hour);
      q.push(at, () => request(at, heavy.calls, () => {}));
    }
  }

  // --- snapshots: freshness at 09:00 and D-1 at 21:00 of the measured day ---
  const at9 = parisTimeMs(p.day, 9);
  q.push(at9, () => {
    const ages = cachedThrough.map((d) => (at9 - parisMidnightMs(addDays(d, 1))) / HOUR_MS);
    r.freshnessP50H = quantile(ages, 0.5);
    r.freshnessP95H = quantile(ages, 0.95);
  });
  const at21 = parisTimeMs(p.day, 21);
  q.push(at21, () => {
    const yesterday = addDays(p.day, -1);
    r.yesterdayAt21 = cachedThrough.filter((d) => d >= yesterday).length / n;
  });

  q.runUntil(measuredTo, (t) => {
    now = t;
  });
  r.peakHourUse = Math.max(...perHour) / p.limits.perHourPerApi;
  return r;
}
