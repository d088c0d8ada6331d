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
});
