import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BudgetLedger, RATE_WINDOW_MS, type BudgetLimits } from "../../src/limits/budget-ledger";
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
  it("spaces 30 reservations so no window holds more than the per-second limit", async () => {
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
    expect(maxInAnyWindow(starts, 1000)).toBeLessThanOrEqual(5);
    expect(starts.slice(0, 5).every((s, i) => s === T0 + i)).toBe(true); // the first five go at once
    expect(starts[5]).toBe(T0 + RATE_WINDOW_MS); // the sixth waits for the first to leave the window
    expect(Math.max(...starts) - T0).toBeLessThan(6 * RATE_WINDOW_MS); // and nobody waits longer than needed
  });

  it("caps each API per rolling hour, independently of the other APIs", async () => {
    await withLedger((ledger) => {
      const small = { perSecond: 100, perHourPerApi: 3 };
      for (let i = 0; i < 3; i++) expect(ledger.reserve("contract", 0, T0 + i * 1000, small).ok).toBe(true);
      const refused = ledger.reserve("contract", 5_000, T0 + 10_000, small);
      expect(refused).toEqual({ ok: false, reason: "hourly", retryAfterSec: Math.ceil((HOUR - 10_000) / 1000) });
      // Another API still has its whole budget.
      for (let i = 0; i < 3; i++) expect(ledger.reserve("address", 0, T0 + 10_000 + i, small).ok).toBe(true);
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
      for (let i = 0; i < 4; i++) expect(ledger.reserve("consumption_daily", 1_200, T0, tight).ok).toBe(true);
      // Slots at T0, T0, T0+1200, T0+1200: the next one is at T0+2400, beyond a 1.2 s wait.
      expect(ledger.reserve("consumption_daily", 1_200, T0, tight)).toEqual({ ok: false, reason: "rate", retryAfterSec: 3 });
      // Refusals take no slot: the same call with a longer wait gets T0+2400.
      expect(ledger.reserve("consumption_daily", 5_000, T0, tight)).toMatchObject({ ok: true, startAtMs: T0 + 2 * RATE_WINDOW_MS });
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
      // Sync holds 10 of the last hour: interactive requests still get exactly the other 10, at once.
      const now = T0 + 2 * HOUR - 30_000; // the last tick: sync holds 10 of the rolling hour
      for (let i = 0; i < 10; i++) expect(ledger.reserve("mesure_synchrone_auto", 0, now, small)).toMatchObject({ ok: true, waitMs: 0 });
      expect(ledger.reserve("mesure_synchrone_auto", 0, now, small)).toMatchObject({ ok: false, reason: "hourly" });
    });
  });

  it("sync only takes what interactive requests left, never queues, and leaves per-second room", async () => {
    await withLedger((ledger) => {
      const small = { perSecond: 5, perHourPerApi: 4, syncShare: 1 };
      for (let i = 0; i < 4; i++) expect(ledger.reserve("contract", 0, T0 + i, small).ok).toBe(true);
      expect(ledger.reserveSync("contract", "acct-1", T0 + 10, small)).toEqual({ ok: false, reason: "hourly", retryAfterSec: 3600 });
      // Another API: four starts are already in this second, so sync would take interactive's last slot.
      expect(ledger.reserveSync("address", "acct-1", T0 + 10, small)).toEqual({ ok: false, reason: "rate", retryAfterSec: 2 });
      const later = T0 + RATE_WINDOW_MS;
      expect(ledger.reserveSync("address", "acct-1", later, small)).toEqual({ ok: true, startAtMs: later });
      // Sync's grant did not push the next interactive request back: it starts at once.
      expect(ledger.reserve("address", 0, later, small)).toEqual({ ok: true, waitMs: 0, startAtMs: later });
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
