import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readTokenRecord, writeTokenRecord } from "../../src/enedis/token-store";
import { AppError } from "../../src/http/errors";
import { countRequest, destroyAccountGate, rateLimitHeaders, resetQuotaFor, usageFor, validEnedisTokenFor } from "../../src/limits/quota";
import { simulatorApp } from "../../src/simulator/app";

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

describe("AccountGate Enedis token", () => {
  const PDL = "12345678901234";
  // Upstream token requests, counted where they leave the gateway: in simulator mode the Enedis client hands
  // every request to simulatorApp.fetch, in this same isolate (the DO included), so spying on it sees them all.
  let tokenRequests = 0;
  let answerToken: () => Promise<Response>;
  const tokenAnswer = (token: string) => Response.json({ access_token: token, token_type: "Bearer", expires_in: "12600" });

  beforeEach(() => {
    tokenRequests = 0;
    answerToken = async () => tokenAnswer("new");
    vi.spyOn(simulatorApp, "fetch").mockImplementation(async (request: Request) => {
      if (new URL(request.url).pathname !== "/oauth2/v3/token") return new Response("unexpected", { status: 418 });
      tokenRequests++;
      return answerToken();
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("fetches exactly once for 10 concurrent callers finding an expired token", async () => {
    const userId = newUser();
    await writeTokenRecord(env, PDL, { accessToken: "old", expiresAtMs: Date.now() + 30_000, consentExpiresAt: "2029-01-01T00:00:00Z" });
    answerToken = async () => {
      await scheduler.wait(50); // an upstream round trip, during which the other callers arrive
      return tokenAnswer("new");
    };
    const tokens = await Promise.all(Array.from({ length: 10 }, () => validEnedisTokenFor(env, userId, PDL)));
    expect(tokenRequests).toBe(1);
    expect(tokens).toEqual(Array(10).fill("new"));
    const record = await readTokenRecord(env, PDL);
    expect(record).toMatchObject({ accessToken: "new", consentExpiresAt: "2029-01-01T00:00:00Z" });
    expect(record!.expiresAtMs).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it("returns a token with over a minute to live without fetching", async () => {
    await writeTokenRecord(env, PDL, { accessToken: "still-good", expiresAtMs: Date.now() + 120_000, consentExpiresAt: null });
    expect(await validEnedisTokenFor(env, newUser(), PDL)).toBe("still-good");
    expect(tokenRequests).toBe(0);
  });

  it("fetches a token for a PDL without any record, with unknown consent", async () => {
    const pdl = "99999999999999";
    answerToken = async () => tokenAnswer("first");
    expect(await validEnedisTokenFor(env, newUser(), pdl)).toBe("first");
    expect(await readTokenRecord(env, pdl)).toMatchObject({ accessToken: "first", consentExpiresAt: null });
    expect(tokenRequests).toBe(1);
  });

  it("refreshes a valid token when forced, and a forced call joins a refresh in flight", async () => {
    const userId = newUser();
    await writeTokenRecord(env, PDL, { accessToken: "rejected", expiresAtMs: Date.now() + 3_600_000, consentExpiresAt: null });
    answerToken = async () => tokenAnswer("forced");
    expect(await validEnedisTokenFor(env, userId, PDL, true)).toBe("forced");
    expect(tokenRequests).toBe(1);

    // A slow upstream (the wait runs inside the object: a promise settled from the test would cross contexts).
    answerToken = async () => {
      await scheduler.wait(300);
      return tokenAnswer("joined");
    };
    const first = validEnedisTokenFor(env, userId, PDL, true);
    await vi.waitFor(() => expect(tokenRequests).toBe(2), { interval: 5 });
    const second = validEnedisTokenFor(env, userId, PDL, true); // arrives while the first refresh is in flight
    expect(await Promise.all([first, second])).toEqual(["joined", "joined"]);
    expect(tokenRequests).toBe(2);
  });

  it("does not refetch when the rejected token was already replaced", async () => {
    await writeTokenRecord(env, PDL, { accessToken: "replaced", expiresAtMs: Date.now() + 3_600_000, consentExpiresAt: null });
    expect(await validEnedisTokenFor(env, newUser(), PDL, true, "rejected-earlier")).toBe("replaced");
    expect(tokenRequests).toBe(0);
  });

  it("hands the client's AppError back across RPC, and lets the next caller retry", async () => {
    const userId = newUser();
    const pdl = "11111111111111";
    answerToken = async () => Response.json({ error: "invalid_client", error_description: "bad credentials" }, { status: 401 });
    const err = await validEnedisTokenFor(env, userId, pdl).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const appError = err as AppError;
    expect(appError.status).toBeGreaterThanOrEqual(500);
    expect(appError.code).toBe("ENEDIS_UNAVAILABLE");
    expect(appError.message).not.toContain("bad credentials"); // Enedis's own text never reaches the client
    answerToken = async () => tokenAnswer("second-try");
    expect(await validEnedisTokenFor(env, userId, pdl)).toBe("second-try");
  });
});
