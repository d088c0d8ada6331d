import { describe, expect, it } from "vitest";
import type { UsagePointRow } from "../../src/pdl/store";
import { patchFor } from "../../src/sync/scheduler";
import { syncStats } from "../../src/sync/stats";

const NOW = Date.parse("2027-01-13T12:00:00Z"); // 13:00 Paris; yesterday = 2027-01-12; Paris midnight = 2027-01-12T23:00Z
const row = (over: Partial<UsagePointRow>): UsagePointRow =>
  ({
    usagePointId: "09100000000001",
    userId: "u",
    sync: true,
    isActive: true,
    syncStopped: null,
    syncSoonAtMs: null,
    syncSinceMs: Date.parse("2027-01-01T00:00:00Z"),
    syncedThrough: null,
    lastSyncAttemptMs: null,
    syncFailedAtMs: null,
    lastReadDay: "2027-01-12",
    lastSyncAt: null,
    lastError: null,
    createdAt: "2027-01-01T00:00:00Z",
    ...over,
  }) as UsagePointRow;

describe("sync stats for the operator", () => {
  it("counts done, pending and failed today over the given PDLs", () => {
    const rows = [
      row({ syncedThrough: "2027-01-12" }), // done
      row({ syncedThrough: "2027-01-11" }), // pending
      row({ syncedThrough: null }), // pending
      row({ syncStopped: "CONSENT_REQUIRED", syncFailedAtMs: Date.parse("2027-01-13T08:00:00Z") }), // stopped, failed today
      row({ lastReadDay: "2026-12-20", syncSinceMs: Date.parse("2026-12-01T00:00:00Z") }), // resting: not pending
      row({ syncedThrough: "2027-01-11", syncFailedAtMs: Date.parse("2027-01-12T22:59:59Z") }), // failed yesterday (Paris), pending
    ];
    expect(syncStats(rows, NOW)).toEqual({ pdls: 6, done_today: 1, pending: 3, failed_today: 1 });
    expect(syncStats([], NOW)).toEqual({ pdls: 0, done_today: 0, pending: 0, failed_today: 0 });
  });
});

describe("what a run's outcome writes", () => {
  it("records each outcome", () => {
    expect(patchFor({ kind: "done", syncedThrough: "2027-01-12" }, NOW, "CONSENT_REQUIRED")).toEqual({
      lastSyncAttemptMs: NOW,
      syncSoonAtMs: null,
      lastSyncAt: "2027-01-13T12:00:00.000Z",
      syncedThrough: "2027-01-12",
      lastError: null,
    });
    expect(patchFor({ kind: "done", syncedThrough: "2027-01-12" }, NOW, "OFFPEAK_UNAVAILABLE")).not.toHaveProperty("lastError");
    expect(patchFor({ kind: "stopped", code: "NOT_OWNER" }, NOW, null)).toEqual({ lastSyncAttemptMs: NOW, syncSoonAtMs: null, syncStopped: "NOT_OWNER", lastError: "NOT_OWNER", syncFailedAtMs: NOW });
    expect(patchFor({ kind: "failed", code: "ENEDIS_UNAVAILABLE" }, NOW, null)).toEqual({ lastSyncAttemptMs: NOW, syncSoonAtMs: null, syncFailedAtMs: NOW });
    expect(patchFor({ kind: "not_published" }, NOW, null)).toEqual({ lastSyncAttemptMs: NOW, syncSoonAtMs: null });
    // deferred by the budget: tried again when the budget said a permit can be had, not at the next hourly retry
    expect(patchFor({ kind: "busy", retryAfterMs: 2000 }, NOW, null)).toEqual({ lastSyncAttemptMs: NOW, syncSoonAtMs: NOW + 2000 });
  });
});
