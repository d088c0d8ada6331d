import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/http/errors";
import { SyncPermitDeferred, acquireEnedisPermit, enedisBudgetStats, reportEnedisThrottle } from "../../src/limits/budget-client";
import { spacingMs } from "../../src/limits/budget-ledger";
import { ENEDIS_BUDGET_NAME } from "../../src/limits/enedis-budget";
import { maxInAnyWindow } from "../../src/limits/slots";

const budget = () => env.ENEDIS_BUDGET.get(env.ENEDIS_BUDGET.idFromName(ENEDIS_BUDGET_NAME));

async function grantedStarts(): Promise<number[]> {
  return runInDurableObject(budget(), (_i, state) =>
    state.storage.sql.exec<{ start_ms: number }>("SELECT start_ms FROM grants").toArray().map((r) => r.start_ms),
  );
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

beforeEach(async () => {
  // One global object per test file: start each test with an empty ledger.
  await runInDurableObject(budget(), (_i, state) => {
    for (const table of ["grants", "blocks", "daily_calls", "sync_demand", "begins"]) state.storage.sql.exec(`DELETE FROM ${table}`);
  });
});

describe("EnedisBudget (global Durable Object)", () => {
  it("never lets more than ENEDIS_RATE_LIMIT calls start in one second under 30 concurrent reservations", async () => {
    const apis = ["consumption_daily", "contract", "consumption_load_curve"] as const;
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => budget().reserve(apis[i % 3], 60_000)));
    const starts = results.map((r) => {
      if (!r.ok) throw new Error(`refused: ${r.reason}`);
      return r.startAtMs;
    });
    expect(new Set(starts).size).toBe(30); // they really were spread out
    expect(maxInAnyWindow(starts, 1000)).toBeLessThanOrEqual(5);
    // evenly: consecutive starts exactly one spacing apart, whatever order the reservations arrived in
    const sorted = [...starts].sort((a, b) => a - b);
    expect(sorted.slice(1).map((s, i) => s - sorted[i])).toEqual(Array(29).fill(spacingMs(5)));
    expect((await grantedStarts()).sort()).toEqual([...starts].sort());
    const stats = await enedisBudgetStats(env);
    expect(stats.today.enedisCalls).toBe(30);
    expect(stats.perApi).toEqual({ consumption_daily: 10, contract: 10, consumption_load_curve: 10 });
  });

  it("refuses beyond maxWait with a Retry-After that covers the queue, and takes no slot", async () => {
    for (let i = 0; i < 5; i++) expect((await budget().reserve("address", 60_000)).ok).toBe(true);
    // The sixth start is five spacings (1.06 s) away: beyond a 500 ms wait.
    const refused = await budget().reserve("address", 500);
    expect(refused).toMatchObject({ ok: false, reason: "rate" });
    // the wait that would have been needed, rounded up: up to 1.06 s, less the time the five reservations took
    expect(refused.ok ? 0 : refused.retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(refused.ok ? 0 : refused.retryAfterSec).toBeLessThanOrEqual(2);
    expect(await grantedStarts()).toHaveLength(5);
  });

  it("keeps its slots across a restart of the object", async () => {
    for (let i = 0; i < 5; i++) expect((await budget().reserve("address", 60_000)).ok).toBe(true);
    await abortAllDurableObjects();
    expect(await budget().reserve("identity", 0)).toMatchObject({ ok: false, reason: "rate" });
  });
});

describe("budget client", () => {
  it("waits for its slot: six calls take at least five spacings", async () => {
    const before = Date.now();
    for (let i = 0; i < 6; i++) await acquireEnedisPermit(env, "contract");
    expect(Date.now() - before).toBeGreaterThanOrEqual(5 * spacingMs(5) - 5);
  });

  it("lets concurrent callers really start one spacing apart (the begins the budget recorded)", async () => {
    await Promise.all(Array.from({ length: 8 }, () => acquireEnedisPermit(env, "contract")));
    const begins = await runInDurableObject(budget(), (_i, state) =>
      state.storage.sql.exec<{ start_ms: number }>("SELECT start_ms FROM begins ORDER BY start_ms").toArray().map((r) => r.start_ms),
    );
    expect(begins).toHaveLength(8);
    for (let i = 1; i < begins.length; i++) expect(begins[i] - begins[i - 1]).toBeGreaterThanOrEqual(spacingMs(5));
    expect(maxInAnyWindow(begins, 1000)).toBeLessThanOrEqual(5);
  });

  it("answers 429 ENEDIS_BUSY with Retry-After while Enedis throttles us", async () => {
    await reportEnedisThrottle(env, null, Date.now() + 20_000);
    const err = await rejection(acquireEnedisPermit(env, "consumption_daily"));
    expect(err).toMatchObject({ status: 429, code: "ENEDIS_BUSY" });
    expect(err.extra.retryAfter).toBeGreaterThanOrEqual(19);
    expect(err.extra.retryAfter).toBeLessThanOrEqual(20);
  });

  it("blocks only the throttled API when one is named", async () => {
    await reportEnedisThrottle(env, "contract", Date.now() + 20_000);
    await rejection(acquireEnedisPermit(env, "contract"));
    await expect(acquireEnedisPermit(env, "address")).resolves.toBeUndefined();
  });

  it("answers 503 ENEDIS_BUSY once an API's hourly cap is used up", async () => {
    // ENEDIS_HOURLY_LIMIT defaults to 1000: record 1000 "identity" calls spread over the last 50 minutes.
    const now = Date.now();
    await runInDurableObject(budget(), (_i, state) => {
      for (let i = 0; i < 1000; i++) state.storage.sql.exec("INSERT INTO grants (api, start_ms) VALUES ('identity', ?)", now - 3_000_000 + i * 3000);
    });
    const err = await rejection(acquireEnedisPermit(env, "identity"));
    expect(err).toMatchObject({ status: 503, code: "ENEDIS_BUSY" });
    // The oldest call leaves the rolling hour in about 10 minutes.
    expect(err.extra.retryAfter).toBeGreaterThan(590);
    expect(err.extra.retryAfter).toBeLessThanOrEqual(601);
    await expect(acquireEnedisPermit(env, "contact")).resolves.toBeUndefined();
  });
});

describe("sync permits (priority: sync)", () => {
  async function deferral(promise: Promise<unknown>): Promise<SyncPermitDeferred> {
    const err = await promise.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SyncPermitDeferred);
    // Caught by the sync engine as "busy" (no client is waiting): a 503 ENEDIS_BUSY with its retry time.
    expect(err).toMatchObject({ status: 503, code: "ENEDIS_BUSY" });
    expect((err as SyncPermitDeferred).extra.retryAfter).toBe((err as SyncPermitDeferred).retryAfterSec);
    return err as SyncPermitDeferred;
  }

  it("grants a sync call at once and records it as sync, for its account", async () => {
    await expect(acquireEnedisPermit(env, "mesure_synchrone_auto", { priority: "sync", accountId: "acct-a" })).resolves.toBeUndefined();
    const rows = await runInDurableObject(budget(), (_i, state) => state.storage.sql.exec("SELECT api, priority, account FROM grants").toArray());
    expect(rows).toEqual([{ api: "mesure_synchrone_auto", priority: "sync", account: "acct-a" }]);
    expect((await enedisBudgetStats(env)).perApi).toEqual({ mesure_synchrone_auto: 1 });
  });

  it("never takes a slot ahead: a per-second refusal is waited out without holding anything, then it starts", async () => {
    for (let i = 0; i < 4; i++) await acquireEnedisPermit(env, "contract");
    const before = Date.now();
    await expect(acquireEnedisPermit(env, "contract", { priority: "sync", accountId: "acct-a" })).resolves.toBeUndefined();
    // it waited for the budget's spacing / per-second room instead of deferring the whole sync run
    expect(Date.now() - before).toBeGreaterThanOrEqual(100);
    const rows = await runInDurableObject(budget(), (_i, state) =>
      state.storage.sql.exec<{ start_ms: number; priority: string }>("SELECT start_ms, priority FROM grants ORDER BY start_ms").toArray(),
    );
    expect(rows.map((r) => r.priority)).toEqual(["interactive", "interactive", "interactive", "interactive", "sync"]);
    const begins = await runInDurableObject(budget(), (_i, state) =>
      state.storage.sql.exec<{ start_ms: number }>("SELECT start_ms FROM begins ORDER BY start_ms").toArray().map((r) => r.start_ms),
    );
    for (let i = 1; i < begins.length; i++) expect(begins[i] - begins[i - 1]).toBeGreaterThanOrEqual(spacingMs(5));
  });

  it("stops at SYNC_BUDGET_SHARE of the hour, while interactive requests still get the rest", async () => {
    // 500 sync calls (the default share of 1000) spread over the last 50 minutes, by many accounts.
    const now = Date.now();
    await runInDurableObject(budget(), (_i, state) => {
      for (let i = 0; i < 500; i++) {
        state.storage.sql.exec("INSERT INTO grants (api, start_ms, priority, account) VALUES ('mesure_synchrone_auto', ?, 'sync', ?)", now - 3_000_000 + i * 6000, `acct-${i % 60}`);
      }
    });
    const err = await deferral(acquireEnedisPermit(env, "mesure_synchrone_auto", { priority: "sync", accountId: "acct-new" }));
    expect(err.reason).toBe("sync_share");
    // The oldest sync call leaves the rolling hour in about 10 minutes.
    expect(err.retryAfterSec).toBeGreaterThan(590);
    expect(err.retryAfterSec).toBeLessThanOrEqual(601);
    await expect(acquireEnedisPermit(env, "mesure_synchrone_auto")).resolves.toBeUndefined();
  });

  it("is deferred, not failed, while Enedis throttles us", async () => {
    await reportEnedisThrottle(env, null, Date.now() + 20_000);
    const err = await deferral(acquireEnedisPermit(env, "mesure_synchrone_auto", { priority: "sync", accountId: "acct-a" }));
    expect(err.reason).toBe("enedis_throttled");
    expect(err.retryAfterSec).toBeGreaterThanOrEqual(19);
    expect(err.retryAfterSec).toBeLessThanOrEqual(20);
  });
});
