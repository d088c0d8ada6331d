import { describe, expect, it } from "vitest";
import type { Begin, Reservation } from "../../src/limits/budget-ledger";
import type { SyncReservation } from "../../src/limits/budget-ledger";
import { MAX_HOLD_MS, SYNC_PACE_RETRIES, reserveOnTime, syncPermitSoon, type SlotSource } from "../../src/limits/on-time-start";

/** A budget that answers scripted reservations and begins, and a clock that only records the sleeps asked for. */
function fake(reservation: Reservation, begins: Begin[]) {
  const sleeps: number[] = [];
  const calls: string[] = [];
  const source: SlotSource = {
    reserve: async (_api, maxWaitMs) => {
      calls.push(`reserve ${maxWaitMs}`);
      return reservation;
    },
    begin: async () => {
      calls.push("begin");
      return begins.shift() ?? { ok: true };
    },
  };
  const clock = { sleep: async (ms: number) => void sleeps.push(ms) };
  return { source, clock, sleeps, calls };
}

describe("reserveOnTime (wait for the slot, then begin)", () => {
  it("sleeps until the slot and begins once when the previous call is a spacing old", async () => {
    const f = fake({ ok: true, waitMs: 420, startAtMs: 1_000 }, [{ ok: true }]);
    expect(await reserveOnTime(f.source, "contract", 8_000, f.clock)).toEqual({ ok: true, waitMs: 420, startAtMs: 1_000, heldMs: 0 });
    expect(f.sleeps).toEqual([420]);
    expect(f.calls).toEqual(["reserve 8000", "begin"]);
  });

  it("is held at its slot for as long as the budget says, then goes", async () => {
    const f = fake({ ok: true, waitMs: 0, startAtMs: 1_000 }, [{ ok: false, waitMs: 150 }, { ok: false, waitMs: 3 }, { ok: true }]);
    expect(await reserveOnTime(f.source, "contract", 8_000, f.clock)).toMatchObject({ ok: true, heldMs: 153 });
    expect(f.sleeps).toEqual([0, 150, 3]);
    expect(f.calls).toEqual(["reserve 8000", "begin", "begin", "begin"]);
  });

  it("passes a refused reservation through without beginning", async () => {
    const f = fake({ ok: false, reason: "hourly", retryAfterSec: 600 }, []);
    expect(await reserveOnTime(f.source, "contract", 8_000, f.clock)).toEqual({ ok: false, reason: "hourly", retryAfterSec: 600, heldMs: 0 });
    expect(f.calls).toEqual(["reserve 8000"]);
  });

  it("gives up like a full queue when held longer than MAX_HOLD_MS in all", async () => {
    const holds = Array.from({ length: 20 }, () => ({ ok: false as const, waitMs: 400 }));
    const f = fake({ ok: true, waitMs: 0, startAtMs: 1_000 }, holds);
    expect(await reserveOnTime(f.source, "contract", 8_000, f.clock)).toEqual({ ok: false, reason: "rate", retryAfterSec: 1, heldMs: 2_000 });
    expect(f.sleeps.slice(1).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_HOLD_MS);
  });
});

describe("syncPermitSoon (sync: now, or after a short per-second wait, or deferred)", () => {
  const run = async (answers: SyncReservation[]) => {
    const sleeps: number[] = [];
    let asked = 0;
    const result = await syncPermitSoon(async () => answers[Math.min(asked++, answers.length - 1)], { sleep: async (ms) => void sleeps.push(ms) });
    return { result, sleeps, asked };
  };

  it("waits out a per-second refusal that clears within a second, holding nothing meanwhile", async () => {
    const r = await run([{ ok: false, reason: "rate", retryAfterSec: 1, waitMs: 150 }, { ok: true, startAtMs: 5 }]);
    expect(r).toEqual({ result: { ok: true, startAtMs: 5 }, sleeps: [150], asked: 2 });
  });

  it("returns every other refusal at once: the sync engine reschedules itself", async () => {
    for (const reason of ["sync_share", "sync_pace", "sync_account", "hourly", "enedis_throttled"] as const) {
      const r = await run([{ ok: false, reason, retryAfterSec: 300, waitMs: 300_000 }]);
      expect(r.asked).toBe(1);
      expect(r.result).toMatchObject({ ok: false, reason });
    }
    // a per-second refusal too long to wait for here is returned as well
    expect((await run([{ ok: false, reason: "rate", retryAfterSec: 3, waitMs: 2_500 }])).asked).toBe(1);
  });

  it("gives up after SYNC_PACE_RETRIES short waits", async () => {
    const r = await run([{ ok: false, reason: "rate", retryAfterSec: 1, waitMs: 100 }]);
    expect(r.asked).toBe(SYNC_PACE_RETRIES + 1);
    expect(r.result).toMatchObject({ ok: false, reason: "rate" });
  });
});
