import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BudgetLedger, JITTER_MARGIN_MS, rateWindowMs, spacingMs, type BudgetLimits } from "../../src/limits/budget-ledger";
import { maxInAnyWindow } from "../../src/limits/slots";

const T0 = Date.UTC(2026, 9, 1, 10, 0, 0);
const HOUR = 3_600_000;
let objects = 0;

/** Runs `fn` against a ledger over a fresh EnedisBudget object's real SQLite storage, with an injected clock. */
function withLedger<R>(fn: (ledger: BudgetLedger) => R): Promise<R> {
  const stub = env.ENEDIS_BUDGET.get(env.ENEDIS_BUDGET.idFromName(`ledger-test-${++objects}`));
  return runInDurableObject(stub, (_instance, state) => fn(new BudgetLedger(state.storage.sql)));
}

const limits: BudgetLimits = { perSecond: 5, perHourPerApi: 1000 };

describe("BudgetLedger", () => {
  it("spaces 30 reservations evenly, one every (1 s + margin) / perSecond", async () => {
    const spacing = spacingMs(limits.perSecond);
    expect(spacing).toBe(Math.ceil((1000 + JITTER_MARGIN_MS) / 5));
    const starts = await withLedger((ledger) => {
      const out: number[] = [];
      for (let i = 0; i < 30; i++) {
        const r = ledger.reserve(i % 2 ? "consumption_daily" : "contract", 60_000, T0 + i, limits);
        if (!r.ok) throw new Error("refused");
        expect(r.waitMs).toBe(r.startAtMs - (T0 + i));
        out.push(r.startAtMs);
      }
      return out;
    });
    // The first goes at once, every other one exactly one spacing after the previous one (all APIs together).
    expect(starts).toEqual(starts.map((_, i) => T0 + i * spacing));
    expect(maxInAnyWindow(starts, 1000)).toBe(5);
    // Even a window of 1 s + margin never holds a sixth start: that is what absorbs the arrival jitter.
    expect(maxInAnyWindow(starts, 1000 + JITTER_MARGIN_MS)).toBe(5);
    expect(rateWindowMs(5)).toBeGreaterThanOrEqual(1000 + JITTER_MARGIN_MS);
    // The sustained rate the budget allows: > 4.6 calls/s for a limit of 5.
    expect((starts.length - 1) / ((starts.at(-1)! - starts[0]) / 1000)).toBeGreaterThan(4.6);
  });

  it("keeps every real second at the limit when arrivals lag their start by less than the margin", async () => {
    // Deterministic pseudo-random delays (mulberry32) in [0, JITTER_MARGIN_MS): what the trip to Enedis adds.
    let seed = 42;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const starts = await withLedger((ledger) =>
      Array.from({ length: 200 }, (_, i) => {
        const r = ledger.reserve("mesure_synchrone_auto", 120_000, T0 + i * 7, limits);
        if (!r.ok) throw new Error("refused");
        return r.startAtMs;
      }),
    );
    const arrivals = starts.map((s) => s + Math.floor(rand() * JITTER_MARGIN_MS));
    expect(maxInAnyWindow(arrivals, 1000)).toBeLessThanOrEqual(5);
    // The worst case too: one call as late as the margin allows, the fifth after it on time.
    const worst = starts.map((s, i) => (i % 5 === 0 ? s + JITTER_MARGIN_MS - 1 : s));
    expect(maxInAnyWindow(worst, 1000)).toBeLessThanOrEqual(5);
  });

  it("slots a new start into a gap between promised starts when the gap is wide enough", async () => {
    await withLedger((ledger) => {
      const spacing = spacingMs(5);
      expect(ledger.reserve("contract", 10_000, T0, limits)).toMatchObject({ ok: true, startAtMs: T0 });
      ledger.blockUntil("address", T0 + 3 * spacing, T0);
      expect(ledger.reserve("address", 10_000, T0, limits)).toMatchObject({ ok: true, startAtMs: T0 + 3 * spacing });
      // Between T0 and T0 + 3 spacings there is room for one start, one spacing after the first.
      expect(ledger.reserve("identity", 10_000, T0 + 1, limits)).toMatchObject({ ok: true, startAtMs: T0 + spacing });
      expect(ledger.reserve("identity", 10_000, T0 + 2, limits)).toMatchObject({ ok: true, startAtMs: T0 + 2 * spacing });
      expect(ledger.reserve("identity", 10_000, T0 + 3, limits)).toMatchObject({ ok: true, startAtMs: T0 + 4 * spacing });
    });
  });

  it("lets a call begin only one spacing after the previous call really began", async () => {
    await withLedger((ledger) => {
      const spacing = spacingMs(5);
      expect(ledger.begin(T0, limits)).toEqual({ ok: true });
      // A late caller waking next to the one that just started waits the difference, then goes.
      expect(ledger.begin(T0 + 100, limits)).toEqual({ ok: false, waitMs: spacing - 100 });
      expect(ledger.begin(T0 + spacing, limits)).toEqual({ ok: true });
      // Refused begins are not recorded: the next one is measured from T0 + spacing.
      expect(ledger.begin(T0 + spacing + 1, limits)).toEqual({ ok: false, waitMs: spacing - 1 });
      expect(ledger.begin(T0 + 5 * spacing, limits)).toEqual({ ok: true });
      // A sync call starts at once, so it keeps the same distance from the calls that really started.
      const small = { ...limits, syncShare: 1 };
      expect(ledger.reserveSync("address", "acct-1", T0 + 5 * spacing + 10, small)).toEqual({ ok: false, reason: "rate", retryAfterSec: 1, waitMs: spacing - 10 });
      expect(ledger.reserveSync("address", "acct-1", T0 + 6 * spacing, small)).toEqual({ ok: true, startAtMs: T0 + 6 * spacing });
      expect(ledger.begin(T0 + 6 * spacing + 5, limits)).toEqual({ ok: false, waitMs: spacing - 5 });
    });
  });

  it("caps each API per rolling hour, independently of the other APIs", async () => {
    await withLedger((ledger) => {
      const small = { perSecond: 100, perHourPerApi: 3 };
      for (let i = 0; i < 3; i++) expect(ledger.reserve("contract", 0, T0 + i * 1000, small).ok).toBe(true);
      const refused = ledger.reserve("contract", 5_000, T0 + 10_000, small);
      expect(refused).toEqual({ ok: false, reason: "hourly", retryAfterSec: Math.ceil((HOUR - 10_000) / 1000) });
      // Another API still has its whole budget.
      for (let i = 0; i < 3; i++) expect(ledger.reserve("address", 0, T0 + 10_000 + i * 100, small).ok).toBe(true);
      // The oldest "contract" call leaves the rolling hour: exactly one slot opens, at that moment.
      const reopened = ledger.reserve("contract", 0, T0 + HOUR, small);
      expect(reopened).toEqual({ ok: true, waitMs: 0, startAtMs: T0 + HOUR });
      expect(ledger.reserve("contract", 0, T0 + HOUR, small).ok).toBe(false);
    });
  });

  it("grants a queued hourly slot when it is within the caller's wait", async () => {
    await withLedger((ledger) => {
      const small = { perSecond: 100, perHourPerApi: 1 };
      expect(ledger.reserve("identity", 0, T0, small).ok).toBe(true);
      const r = ledger.reserve("identity", 3_000, T0 + HOUR - 2_000, small);
      expect(r).toEqual({ ok: true, waitMs: 2_000, startAtMs: T0 + HOUR });
    });
  });

  it("honours an Enedis block for one API or for all of them", async () => {
    await withLedger((ledger) => {
      ledger.blockUntil("contact", T0 + 30_000, T0);
      expect(ledger.reserve("contact", 8_000, T0, limits)).toEqual({ ok: false, reason: "enedis_throttled", retryAfterSec: 30 });
      expect(ledger.reserve("address", 0, T0, limits).ok).toBe(true);
      // A block within the caller's wait delays the grant to its end.
      expect(ledger.reserve("contact", 40_000, T0, limits)).toMatchObject({ ok: true, startAtMs: T0 + 30_000 });
      // An earlier block does not shorten a later one.
      ledger.blockUntil("contact", T0 + 5_000, T0);
      expect(ledger.reserve("contact", 8_000, T0 + 1, limits)).toMatchObject({ ok: false, reason: "enedis_throttled" });

      ledger.blockUntil(null, T0 + 12_000, T0);
      expect(ledger.reserve("production_daily", 8_000, T0 + 2, limits)).toEqual({ ok: false, reason: "enedis_throttled", retryAfterSec: 12 });
      expect(ledger.reserve("production_daily", 0, T0 + 12_000, limits).ok).toBe(true);
      // An absurd "next access" is capped at an hour.
      ledger.blockUntil(null, T0 + 10 * HOUR, T0);
      expect(ledger.reserve("address", 0, T0 + HOUR + 1, limits).ok).toBe(true);
    });
  });

  it("refuses a full per-second queue with the wait it would have needed", async () => {
    await withLedger((ledger) => {
      const tight = { perSecond: 2, perHourPerApi: 1000 };
      const spacing = spacingMs(2); // 530 ms
      for (let i = 0; i < 3; i++) expect(ledger.reserve("consumption_daily", 1_200, T0, tight).ok).toBe(true);
      // Slots at T0, T0+530, T0+1060: the next one is at T0+1590, beyond a 1.2 s wait.
      expect(ledger.reserve("consumption_daily", 1_200, T0, tight)).toEqual({ ok: false, reason: "rate", retryAfterSec: 2 });
      // Refusals take no slot: the same call with a longer wait gets T0+1590.
      expect(ledger.reserve("consumption_daily", 5_000, T0, tight)).toMatchObject({ ok: true, startAtMs: T0 + 3 * spacing });
    });
  });

  it("counts granted calls per UTC day and per API", async () => {
    await withLedger((ledger) => {
      const midnight = Date.UTC(2026, 9, 2);
      ledger.reserve("contract", 0, midnight - 10 * 1000, limits);
      ledger.reserve("contract", 0, midnight + 1000, limits);
      ledger.reserve("consumption_load_curve", 0, midnight + 2000, limits);
      ledger.reserve("consumption_load_curve", 0, midnight + 3000, limits);
      expect(ledger.stats(midnight + 5000)).toEqual({ today: { enedisCalls: 3 }, perApi: { contract: 1, consumption_load_curve: 2 } });
      expect(ledger.stats(midnight - 1).today.enedisCalls).toBe(1);
    });
  });

  it("paces sync over the hour, caps it at its share, and interactive requests keep the rest", async () => {
    await withLedger((ledger) => {
      // 20/h with share 0.5: sync may take 10 per rolling hour, 1 per 6 minutes.
      const small = { perSecond: 100, perHourPerApi: 20, syncShare: 0.5 };
      const granted: number[] = [];
      for (let t = T0; t < T0 + 2 * HOUR; t += 30_000) {
        const r = ledger.reserveSync("mesure_synchrone_auto", "acct-1", t, small);
        if (r.ok) granted.push(r.startAtMs);
        else expect(["sync_pace", "sync_share"]).toContain(r.reason);
      }
      expect(granted).toHaveLength(20); // one per 6 minutes, 2 hours long
      expect(maxInAnyWindow(granted, HOUR)).toBe(10);
      expect(maxInAnyWindow(granted, 6 * 60_000)).toBe(1);
      // Sync holds 10 of the last hour: interactive requests still get exactly the other 10.
      const now = T0 + 2 * HOUR - 30_000; // the last tick: sync holds 10 of the rolling hour
      // (one spacing apart: 11 ms at 100/s)
      for (let i = 0; i < 10; i++) expect(ledger.reserve("mesure_synchrone_auto", 1_000, now, small)).toMatchObject({ ok: true });
      expect(ledger.reserve("mesure_synchrone_auto", 0, now, small)).toMatchObject({ ok: false, reason: "hourly" });
    });
  });

  it("sync only takes what interactive requests left, never queues, and leaves per-second room", async () => {
    await withLedger((ledger) => {
      const small = { perSecond: 5, perHourPerApi: 4, syncShare: 1 };
      const spacing = spacingMs(5);
      for (let i = 0; i < 4; i++) expect(ledger.reserve("contract", 0, T0 + i * spacing, small).ok).toBe(true);
      const afterFour = T0 + 3 * spacing + 10;
      expect(ledger.reserveSync("contract", "acct-1", afterFour, small)).toMatchObject({ ok: false, reason: "hourly", retryAfterSec: 3600 });
      // Another API: four starts are already in this window, so sync would take interactive's last slot.
      expect(ledger.reserveSync("address", "acct-1", T0 + 4 * spacing, small)).toMatchObject({ ok: false, reason: "rate", retryAfterSec: 1 });
      // Nor may it start closer than one spacing to another start.
      expect(ledger.reserveSync("address", "acct-1", afterFour, small)).toMatchObject({ ok: false, reason: "rate" });
      const later = T0 + rateWindowMs(5);
      expect(ledger.reserveSync("address", "acct-1", later, small)).toEqual({ ok: true, startAtMs: later });
      // Sync's grant costs the next interactive request one spacing at most, never a whole window.
      expect(ledger.reserve("address", 0, later, small)).toMatchObject({ ok: false, reason: "rate" });
      expect(ledger.reserve("address", spacing, later, small)).toEqual({ ok: true, waitMs: spacing, startAtMs: later + spacing });
      expect(ledger.stats(later).perApi).toEqual({ contract: 4, address: 2 });
    });
  });

  it("shares sync fairly: an account that took the whole share yields to the accounts that arrive", async () => {
    await withLedger((ledger) => {
      // 400/h, share 0.5: sync budget 200, 20 per 6 minutes; fair share max(10, 200 / accounts asking).
      const small = { perSecond: 1000, perHourPerApi: 400, syncShare: 0.5 };
      const count = new Map<string, number>();
      const ask = (account: string, t: number) => {
        const r = ledger.reserveSync("mesure_synchrone_auto", account, t, small);
        if (r.ok && t >= T0 + HOUR) count.set(account, (count.get(account) ?? 0) + 1);
        return r;
      };
      // Hour 1: alone, the greedy account gets the whole share.
      let alone = 0;
      for (let t = T0; t < T0 + HOUR; t += 10_000) if (ask("greedy", t).ok) alone++;
      expect(alone).toBe(200);
      // Hour 2: 19 more accounts ask every 10 s, the greedy one always first.
      const others = Array.from({ length: 19 }, (_, i) => `acct-${i}`);
      for (let t = T0 + HOUR; t < T0 + 2 * HOUR; t += 10_000) for (const a of ["greedy", ...others]) ask(a, t);
      for (const a of others) expect(count.get(a)).toBe(10); // 200 / 20 accounts
      expect(count.get("greedy") ?? 0).toBeLessThanOrEqual(10);
      expect(ask("acct-0", T0 + 2 * HOUR)).toMatchObject({ ok: false, reason: "sync_account" });
    });
  });

  it("adds the priority columns to a ledger created before priorities existed", async () => {
    const stub = env.ENEDIS_BUDGET.get(env.ENEDIS_BUDGET.idFromName(`ledger-test-legacy-${++objects}`));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      for (const table of ["grants", "blocks", "daily_calls", "sync_demand"]) sql.exec(`DROP TABLE IF EXISTS ${table}`);
      sql.exec(`CREATE TABLE grants (api TEXT NOT NULL, start_ms INTEGER NOT NULL)`);
      sql.exec(`INSERT INTO grants (api, start_ms) VALUES ('contract', ?)`, T0);
      const ledger = new BudgetLedger(sql);
      expect(ledger.reserveSync("contract", "acct-1", T0 + 1000, { perSecond: 5, perHourPerApi: 2, syncShare: 1 }).ok).toBe(true);
      expect(sql.exec(`SELECT priority, account FROM grants ORDER BY start_ms`).toArray()).toEqual([
        { priority: "interactive", account: null },
        { priority: "sync", account: "acct-1" },
      ]);
    });
  });
});
