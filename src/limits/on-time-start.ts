import type { BudgetScope } from "../enedis/types";
import type { Begin, Reservation, SyncReservation } from "./budget-ledger";
import { SECOND_MS } from "./time";

/**
 * Waits for an Enedis slot, then makes sure the call starts one spacing after the call before it really
 * started. Slots are planned evenly, but a caller whose isolate was busy (its timer fired late, or the budget's
 * answer arrived late) may wake up next to the following slot's caller, and the two would reach Enedis together:
 * so, at its slot, the caller asks the budget to `begin`, which either lets it go or tells it how much longer to
 * wait (measured on the budget's one clock, against the calls that really started). Held more than MAX_HOLD_MS
 * in all (the machine is too busy to keep any pace), the request is refused like a full queue (429 ENEDIS_BUSY).
 */
export const MAX_HOLD_MS = 2_000;

export interface SlotSource {
  reserve(api: BudgetScope, maxWaitMs: number): Promise<Reservation>;
  begin(): Promise<Begin>;
}

export interface Clock {
  sleep(ms: number): Promise<void>;
}

/** The reservation as granted, or the refusal; `heldMs`: extra wait at the slot because a late call had just started. */
export type OnTimeStart = Reservation & { heldMs: number };

export async function reserveOnTime(budget: SlotSource, api: BudgetScope, maxWaitMs: number, clock: Clock): Promise<OnTimeStart> {
  const reservation = await budget.reserve(api, maxWaitMs);
  if (!reservation.ok) return { ...reservation, heldMs: 0 };
  await clock.sleep(reservation.waitMs);
  let heldMs = 0;
  for (;;) {
    const started = await budget.begin();
    if (started.ok) {
      if (heldMs > 0) console.log(JSON.stringify({ event: "enedis_permit_held", held_ms: heldMs }));
      return { ...reservation, heldMs };
    }
    if (heldMs + started.waitMs > MAX_HOLD_MS) {
      console.log(JSON.stringify({ event: "enedis_permit_held", held_ms: heldMs, gave_up: true }));
      return { ok: false, reason: "rate", retryAfterSec: Math.max(1, Math.ceil(started.waitMs / 1000)), heldMs };
    }
    heldMs += started.waitMs;
    await clock.sleep(started.waitMs);
  }
}

/**
 * Background sync's permit, "now or never", but a refusal for the per-second pace alone that clears within a
 * second (the previous call began less than a spacing ago, or four of the last five slots are taken) is waited
 * out here, up to SYNC_PACE_RETRIES times: a sync run's calls come back to back, and without this each one after
 * the first would defer the whole run. The caller holds no slot while it waits, so interactive requests keep
 * coming first. Any other refusal (share, pace, hour, Enedis block) is returned at once.
 */
export const SYNC_PACE_RETRIES = 5;

export async function syncPermitSoon(ask: () => Promise<SyncReservation>, clock: Clock): Promise<SyncReservation> {
  for (let attempt = 0; ; attempt++) {
    const granted = await ask();
    if (granted.ok || granted.reason !== "rate" || granted.waitMs > SECOND_MS + 100 || attempt >= SYNC_PACE_RETRIES) return granted;
    await clock.sleep(granted.waitMs);
  }
}
