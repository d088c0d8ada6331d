import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { bumpCounter, countersSince } from "../../src/observability/counters";

describe("operations counters", () => {
  it("a burst of events is added up: every event counted, in a few D1 batches rather than one write each", async () => {
    const batch = vi.spyOn(env.DB, "batch");
    const now = Date.UTC(2026, 5, 1, 10, 30);
    await Promise.all(Array.from({ length: 30 }, (_, i) => bumpCounter(env, "request_failed", i % 2 ? "NOT_FOUND" : "UNAUTHORIZED", now)));
    const rows = (await countersSince(env, now)).filter((r) => r.name === "request_failed");
    expect(rows.map((r) => [r.detail, r.count]).sort()).toEqual([
      ["NOT_FOUND", 15],
      ["UNAUTHORIZED", 15],
    ]);
    expect(batch.mock.calls.length).toBeLessThanOrEqual(3);
    batch.mockRestore();
  });

  it("a counter that cannot be written does not fail what it counts", async () => {
    const broken = { ...env, DB: { prepare: () => ({ bind: () => ({}) }), batch: async () => { throw new Error("D1 down"); } } as unknown as D1Database };
    await expect(bumpCounter(broken, "request_failed", "INTERNAL_ERROR")).resolves.toBeUndefined();
  });
});
