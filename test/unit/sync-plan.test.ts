import { describe, expect, it } from "vitest";
import {
  GIVE_UP_HOUR,
  RETRY_INTERVAL_MS,
  dailySlotMs,
  isResting,
  missingDays,
  nextAttemptAt,
  parisTimeMs,
  publicationWindow,
  shouldTouchLastRead,
  slotFraction,
  type SyncState,
} from "../../src/sync/plan";

const PDL = "12345678901234";
const at = (iso: string) => Date.parse(iso);
// 2026-12-02 is winter: Paris = UTC+1.
const base = (over: Partial<SyncState> = {}): SyncState => ({
  usagePointId: PDL,
  enabled: true,
  stopped: false,
  soonAtMs: null,
  syncedThrough: null,
  lastAttemptAtMs: null,
  lastReadDay: "2026-12-02",
  sinceMs: at("2026-11-01T00:00:00Z"),
  ...over,
});

describe("sync plan: Paris times and slots", () => {
  it("converts Paris wall time in winter and summer", () => {
    expect(new Date(parisTimeMs("2026-12-02", 8)).toISOString()).toBe("2026-12-02T07:00:00.000Z");
    expect(new Date(parisTimeMs("2026-07-02", 8)).toISOString()).toBe("2026-07-02T06:00:00.000Z");
    expect(new Date(parisTimeMs("2026-03-29", 8)).toISOString()).toBe("2026-03-29T06:00:00.000Z"); // DST day
  });

  it("publication window of a day is the next day, 08:00 to the give-up hour", () => {
    const w = publicationWindow("2026-12-01");
    expect(new Date(w.expectedFromMs).toISOString()).toBe("2026-12-02T07:00:00.000Z");
    expect(new Date(w.giveUpAtMs).toISOString()).toBe(`2026-12-02T${String(GIVE_UP_HOUR - 1).padStart(2, "0")}:00:00.000Z`);
  });

  it("slots are deterministic, inside 08:00–20:00 Paris, and spread", () => {
    expect(dailySlotMs(PDL, "2026-12-02")).toBe(dailySlotMs(PDL, "2026-12-02"));
    const hours = Array.from({ length: 1200 }, (_, i) => String(10_000_000_000_000 + i * 7919)).map(
      (id) => (dailySlotMs(id, "2026-12-02") - parisTimeMs("2026-12-02", 0)) / 3_600_000,
    );
    for (const h of hours) expect(h >= 8 && h < 20).toBe(true);
    const perHour = new Array(12).fill(0);
    for (const h of hours) perHour[Math.floor(h) - 8]++;
    for (const n of perHour) expect(n).toBeGreaterThan(50); // 100 expected per hour; none starved
    expect(slotFraction(PDL)).toBeGreaterThanOrEqual(0);
  });
});

describe("sync plan: nextAttemptAt", () => {
  const slot = dailySlotMs(PDL, "2026-12-02");
  const tomorrowSlot = dailySlotMs(PDL, "2026-12-03");

  it("never runs when off, stopped or resting", () => {
    const now = at("2026-12-02T10:00:00Z");
    expect(nextAttemptAt(base({ enabled: false }), now)).toEqual({ atMs: null, why: "off" });
    expect(nextAttemptAt(base({ stopped: true }), now)).toEqual({ atMs: null, why: "stopped" });
    expect(nextAttemptAt(base({ lastReadDay: "2026-11-18" }), now)).toEqual({ atMs: null, why: "resting" });
    expect(nextAttemptAt(base({ lastReadDay: null, sinceMs: at("2026-11-18T10:00:00Z") }), now)).toEqual({ atMs: null, why: "resting" });
  });

  it("runs a PDL just consented at once, whatever the hour", () => {
    const now = at("2026-12-02T02:00:00Z");
    expect(nextAttemptAt(base({ soonAtMs: now + 5_000 }), now)).toEqual({ atMs: now + 5_000 });
    expect(nextAttemptAt(base({ soonAtMs: now - 60_000 }), now)).toEqual({ atMs: now });
  });

  it("waits for the daily slot, runs at it, polls gently, then gives up until tomorrow", () => {
    expect(nextAttemptAt(base(), slot - 1_000)).toEqual({ atMs: slot });
    expect(nextAttemptAt(base({ lastAttemptAtMs: slot - 86_400_000 }), slot + 10)).toEqual({ atMs: slot + 10 });
    // attempted at the slot, D-1 not published: next try one interval later
    expect(nextAttemptAt(base({ lastAttemptAtMs: slot }), slot + 60_000)).toEqual({ atMs: slot + RETRY_INTERVAL_MS });
    // late in the evening: give up until tomorrow's slot
    const late = parisTimeMs("2026-12-02", GIVE_UP_HOUR) - 60_000;
    expect(nextAttemptAt(base({ lastAttemptAtMs: late - 1_000 }), late)).toEqual({ atMs: tomorrowSlot });
  });

  it("after D-1 is synced, waits for tomorrow's slot", () => {
    expect(nextAttemptAt(base({ syncedThrough: "2026-12-01", lastAttemptAtMs: slot }), slot + 1)).toEqual({ atMs: tomorrowSlot });
  });
});

describe("sync plan: resting, reads, missing days", () => {
  it("rests after 14 days unread; a read resumes", () => {
    const now = at("2026-12-02T10:00:00Z");
    expect(isResting({ lastReadDay: "2026-11-19", sinceMs: at("2026-01-01T00:00:00Z") }, now)).toBe(false);
    expect(isResting({ lastReadDay: "2026-11-18", sinceMs: at("2026-01-01T00:00:00Z") }, now)).toBe(true);
    expect(isResting({ lastReadDay: "2026-11-18", sinceMs: at("2026-11-30T00:00:00Z") }, now)).toBe(false); // switched on since
    expect(shouldTouchLastRead("2026-12-02", now)).toBe(false);
    expect(shouldTouchLastRead("2026-12-01", now)).toBe(true);
    expect(shouldTouchLastRead(null, now)).toBe(true);
  });

  it("lists the days of D-7 … D-1 without a cache key, never before activation", () => {
    const now = at("2026-12-02T10:00:00Z");
    expect(missingDays(now, new Set())).toEqual(["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01"]);
    expect(missingDays(now, new Set(["2026-11-25", "2026-11-30"]), "2026-11-27")).toEqual(["2026-11-27", "2026-11-28", "2026-11-29", "2026-12-01"]);
    // just after midnight Paris (23:30 UTC) the target is already the new D-1
    expect(missingDays(at("2026-12-02T23:30:00Z"), new Set()).at(-1)).toBe("2026-12-02");
  });
});
