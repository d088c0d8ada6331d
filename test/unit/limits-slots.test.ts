import { describe, expect, it } from "vitest";
import { earliestStart, fitsAt, maxInAnyWindow } from "../../src/limits/slots";

/** Deterministic pseudo-random numbers (mulberry32) so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Brute force: the earliest whole millisecond ≥ from at which one more start keeps every window at the limit. */
function bruteEarliest(starts: number[], from: number, limit: number, windowMs: number): number {
  for (let t = from; ; t++) if (maxInAnyWindow([...starts, t], windowMs) <= limit) return t;
}

describe("sliding-window slots", () => {
  it("counts the densest window", () => {
    expect(maxInAnyWindow([0, 100, 999, 1000], 1000)).toBe(3);
    expect(maxInAnyWindow([0, 1000, 2000], 1000)).toBe(1);
    expect(maxInAnyWindow([], 1000)).toBe(0);
  });

  it("grants immediately while the window has room, then when the oldest start leaves it", () => {
    expect(earliestStart([0, 10, 20], 30, 5, 1000)).toBe(30);
    expect(earliestStart([0, 10, 20, 30, 40], 50, 5, 1000)).toBe(1000);
    expect(earliestStart([0, 10, 20, 30, 40, 1000], 50, 5, 1000)).toBe(1010);
  });

  it("fits a start between future reservations only where no window overflows", () => {
    // Two starts far in the future do not stop a start now.
    expect(earliestStart([5000, 5001], 0, 2, 1000)).toBe(0);
    // A start at 4500 would share a window with 5000 and 5001: refused there, accepted at 6000.
    expect(fitsAt([5000, 5001], 4500, 2, 1000)).toBe(false);
    expect(earliestStart([5000, 5001], 4500, 2, 1000)).toBe(6000);
  });

  it("agrees with brute force on random schedules", () => {
    const rand = random(42);
    for (let round = 0; round < 300; round++) {
      const limit = 1 + Math.floor(rand() * 4);
      const windowMs = 50 + Math.floor(rand() * 100);
      // Build a valid schedule by inserting earliest fits at random times, as the ledger does.
      const starts: number[] = [];
      for (let i = 0; i < 12; i++) {
        const t = earliestStart([...starts].sort((a, b) => a - b), Math.floor(rand() * 400), limit, windowMs);
        starts.push(t);
      }
      const sorted = [...starts].sort((a, b) => a - b);
      expect(maxInAnyWindow(sorted, windowMs)).toBeLessThanOrEqual(limit);
      const from = Math.floor(rand() * 500);
      expect(earliestStart(sorted, from, limit, windowMs)).toBe(bruteEarliest(sorted, from, limit, windowMs));
    }
  });
});
