import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/http/errors";
import { countRequest, destroyAccountGate, rateLimitHeaders, resetQuotaFor, usageFor } from "../../src/limits/quota";

let accounts = 0;
const newUser = () => `user-${++accounts}`;
const gate = (userId: string) => env.ACCOUNT_GATE.get(env.ACCOUNT_GATE.idFromName(userId));
const limits = { noCache: 50, withCache: 1000 };
const NOON = Date.UTC(2026, 9, 1, 12);
const NEXT_MIDNIGHT_SEC = Date.UTC(2026, 9, 2) / 1000;

describe("AccountGate quotas", () => {
  it("allows exactly the limit under 60 concurrent counts, without lost increments", async () => {
    const stub = gate(newUser());
    const results = await Promise.all(Array.from({ length: 60 }, () => stub.count("no_cache", limits, NOON)));
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(50);
    expect(new Set(allowed.map((r) => r.used))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => i + 1)));
    expect(results.filter((r) => !r.allowed).every((r) => r.used === 50 && r.remaining === 0)).toBe(true);
    expect(await stub.usage(NOON)).toEqual({ cached: 0, noCache: 50, resetAtSec: NEXT_MIDNIGHT_SEC });
  });

  it("keeps cached and no_cache counters apart", async () => {
    const stub = gate(newUser());
    const small = { noCache: 2, withCache: 3 };
    for (let i = 0; i < 2; i++) expect((await stub.count("no_cache", small, NOON)).allowed).toBe(true);
    expect((await stub.count("no_cache", small, NOON)).allowed).toBe(false);
    const cached = await stub.count("cached", small, NOON);
    expect(cached).toEqual({ allowed: true, used: 1, limit: 3, remaining: 2, resetAtSec: NEXT_MIDNIGHT_SEC });
    expect(await stub.usage(NOON)).toMatchObject({ cached: 1, noCache: 2 });
  });

  it("starts again at midnight UTC", async () => {
    const stub = gate(newUser());
    const small = { noCache: 1, withCache: 1 };
    const lastMs = Date.UTC(2026, 9, 1, 23, 59, 59, 999);
    expect((await stub.count("no_cache", small, lastMs)).allowed).toBe(true);
    const refused = await stub.count("no_cache", small, lastMs);
    expect(refused).toMatchObject({ allowed: false, resetAtSec: NEXT_MIDNIGHT_SEC });
    const midnight = Date.UTC(2026, 9, 2);
    expect(await stub.count("no_cache", small, midnight)).toEqual({
      allowed: true, used: 1, limit: 1, remaining: 0, resetAtSec: NEXT_MIDNIGHT_SEC + 86_400,
    });
    // A caller whose clock still says yesterday does not wipe today's counter.
    await stub.count("no_cache", small, lastMs);
    expect((await stub.usage(midnight)).noCache).toBe(1);
  });

  it("is reset by an administrator and emptied by account deletion", async () => {
    const userId = newUser();
    await gate(userId).count("cached", limits, NOON);
    await resetQuotaFor(env, userId);
    expect(await gate(userId).usage(NOON)).toMatchObject({ cached: 0, noCache: 0 });

    await gate(userId).count("cached", limits, NOON);
    await destroyAccountGate(env, userId);
    const rows = await runInDurableObject(gate(userId), (_i, state) => state.storage.sql.exec("SELECT * FROM quota_counts").toArray());
    expect(rows).toEqual([]);
    expect((await gate(userId).count("cached", limits, NOON)).used).toBe(1);
  });
});

describe("quota helpers", () => {
  it("answer 429 QUOTA_EXCEEDED with Retry-After to midnight and X-RateLimit headers", async () => {
    const userId = newUser();
    let last = await countRequest(env, userId, "no_cache");
    expect(rateLimitHeaders(last)).toEqual({
      "X-RateLimit-Limit": "50",
      "X-RateLimit-Remaining": "49",
      "X-RateLimit-Reset": String(last.resetAtSec),
    });
    for (let i = 1; i < 50; i++) last = await countRequest(env, userId, "no_cache");
    expect(last.remaining).toBe(0);
    const err = await countRequest(env, userId, "no_cache").then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const appError = err as AppError;
    expect(appError).toMatchObject({ status: 429, code: "QUOTA_EXCEEDED" });
    expect(appError.extra.headers).toMatchObject({ "X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0" });
    const secondsToMidnight = last.resetAtSec - Date.now() / 1000;
    expect(Math.abs(appError.extra.retryAfter! - secondsToMidnight)).toBeLessThan(5);
    // Cached requests have their own, larger quota.
    expect((await countRequest(env, userId, "cached")).limit).toBe(1000);
    expect(await usageFor(env, userId)).toMatchObject({ noCache: 50, cached: 1 });
  });
});

describe("AccountGate storage after the day", () => {
  it("empties itself an hour after midnight UTC: nothing stays of an account, even a count that raced its deletion", async () => {
    const userId = newUser();
    const stub = gate(userId);
    const yesterday = Date.now() - 86_400_000;
    await stub.count("no_cache", limits, yesterday); // as a request in flight would, after the account's deletion
    expect(await runDurableObjectAlarm(stub)).toBe(true); // the count set the alarm
    await runInDurableObject(stub, async (_instance, state) => {
      expect(state.storage.sql.exec("SELECT * FROM quota_counts").toArray()).toEqual([]);
      expect(await state.storage.getAlarm()).toBeNull();
    });
    // today's counters are kept
    await stub.count("cached", limits, Date.now());
    await runDurableObjectAlarm(stub);
    expect(await stub.usage(Date.now())).toMatchObject({ cached: 1 });
  });
});
