import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { accountPrefix, pdlPrefix } from "../../src/cache/keys";
import { PURGE_AGAIN_AFTER_MS, purgePendingPrefixes } from "../../src/cache/pending-purges";
import { readDays, writeDays } from "../../src/cache/store";
import { generateDataKey } from "../../src/crypto/data-key";
import { addDays, todayInParis } from "../../src/enedis/dates";
import worker from "../../src/index";
import { Browser, bearer, call } from "../support/http";
import { consent } from "../support/consent";

/**
 * SECURITY.md property 7 against eventual consistency: an entry written by a request still in flight during a
 * deletion, or one KV's listing did not show yet, does not outlive the deletion.
 */
const [P1, P2] = ["09200000000001", "09200000000002"];
const daysAgo = (n: number) => addDays(todayInParis(new Date()), -n);

async function kvList(prefix: string) {
  const keys: Array<{ name: string; expiration?: number }> = [];
  let cursor: string | undefined;
  do {
    const page = await env.KV.list({ prefix, cursor });
    keys.push(...page.keys);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return keys;
}

const pendingRow = (prefix: string) => env.DB.prepare("SELECT purge_after_ms AS at FROM pending_purges WHERE prefix = ?").bind(prefix).first<{ at: number }>();
const pendingCount = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM pending_purges").first<{ n: number }>())!.n;

/** What a request in flight would leave behind: an entry under the deleted prefix, written after the purge. */
const lateWrite = (prefix: string, name: string) => env.KV.put(`${prefix}${name}`, "g1.late.entry", { expirationTtl: 3600 });

async function signedUpWithData() {
  const b = new Browser();
  const account = await b.signup();
  await consent(b, "durand");
  const get = (path: string) => call(path, { headers: bearer(account.clientSecret) });
  const userId = ((await (await get("/api/accounts/me")).json()) as { data: { user_id: string } }).data.user_id;
  for (const pdl of [P1, P2]) {
    for (const path of [`/api/enedis/consumption/daily/${pdl}?start=${daysAgo(8)}&end=${daysAgo(5)}`, `/api/enedis/contract/${pdl}`]) {
      expect((await get(path)).status, path).toBe(200);
    }
  }
  return { b, account, userId };
}

describe("property 7: deletion is total despite eventual consistency", () => {
  // each test starts from no pending purge (the household's PDLs are freed by the previous test's account deletion)
  beforeEach(async () => {
    await env.DB.prepare("DELETE FROM pending_purges").run();
  });

  it("every cache entry the gateway writes has a TTL", async () => {
    const { account, userId } = await signedUpWithData();
    const keys = await kvList(await accountPrefix(env, userId));
    expect(keys.length).toBe(8); // 2 PDLs × (3 days + contract)
    const now = Date.now() / 1000;
    for (const k of keys) {
      expect(k.expiration, k.name).toBeTypeOf("number");
      expect(k.expiration!, k.name).toBeGreaterThan(now);
    }
    expect((await call("/api/accounts/me", { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(account.clientSecret) }, body: JSON.stringify({ password: account.password }) })).status).toBe(200);
  });

  it("a PDL's and then an account's prefix is purged again later, catching entries written after the deletion", async () => {
    const { account, userId } = await signedUpWithData();
    const p1 = await pdlPrefix(env, userId, P1);
    const acc = await accountPrefix(env, userId);
    const before = Date.now();

    // --- the PDL
    expect((await call(`/api/pdl/${P1}`, { method: "DELETE", headers: bearer(account.clientSecret) })).status).toBe(200);
    expect(await kvList(p1)).toEqual([]);
    const row = await pendingRow(p1);
    expect(row!.at).toBeGreaterThanOrEqual(before + PURGE_AGAIN_AFTER_MS);
    expect(row!.at).toBeLessThanOrEqual(Date.now() + PURGE_AGAIN_AFTER_MS);
    await lateWrite(p1, "consumption_daily:2026-01-01");

    // not due yet: nothing happens
    expect(await purgePendingPrefixes(env, before)).toEqual({ prefixes: 0, entries: 0 });
    expect((await kvList(p1)).length).toBe(1);
    // due: the late entry goes, and so does the row
    expect(await purgePendingPrefixes(env, row!.at)).toEqual({ prefixes: 1, entries: 1 });
    expect(await kvList(p1)).toEqual([]);
    expect(await pendingRow(p1)).toBeNull();
    const p2Entries = (await kvList(await pdlPrefix(env, userId, P2))).length;
    expect(p2Entries).toBe(4); // the other PDL's cache was not touched

    // --- the account, through the daily cron handler
    expect((await call("/api/accounts/me", { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(account.clientSecret) }, body: JSON.stringify({ password: account.password }) })).status).toBe(200);
    expect(await kvList(acc)).toEqual([]);
    const accRow = await pendingRow(acc);
    expect(accRow).not.toBeNull();
    await lateWrite(await pdlPrefix(env, userId, P2), "contract:current");
    await lateWrite(acc, "anything:else");
    expect((await kvList(acc)).length).toBe(2);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: accRow!.at, cron: "17 3 * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await kvList(acc)).toEqual([]);
    expect(await pendingCount()).toBe(0);
  });

  it("pending purges name no person: only keyed-hash prefixes", async () => {
    const { account, userId } = await signedUpWithData();
    expect((await call("/api/accounts/me", { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(account.clientSecret) }, body: JSON.stringify({ password: account.password }) })).status).toBe(200);
    const rows = (await env.DB.prepare("SELECT prefix FROM pending_purges").all<{ prefix: string }>()).results;
    expect(rows.length).toBeGreaterThan(0);
    for (const { prefix } of rows) {
      expect(prefix).toMatch(/^c:[A-Za-z0-9_-]{22}:([A-Za-z0-9_-]{22}:)?$/);
      for (const trace of [userId, account.email, account.clientId, P1, P2]) expect(prefix.includes(trace), trace).toBe(false);
    }
  });

  it("a write that lands after its PDL was deleted (request in flight) removes itself", async () => {
    const { account, userId } = await signedUpWithData();
    const dataKey = await generateDataKey();
    const slot = (usagePointId: string, uid = userId) => ({ env, userId: uid, usagePointId, kind: "consumption_daily", dataKey });
    const entry = [{ day: "2026-01-01", value: { quality: "BRUT", readings: [] }, ttlSeconds: 3600 }];
    // a settled day: its entry is the month's pack ("consumption_daily:m:2026-01"), counted like any entry of the series
    const stored = async (usagePointId: string, uid = userId) => (await kvList(`${await pdlPrefix(env, uid, usagePointId)}consumption_daily:m:2026-01`)).length;

    // the PDL is the account's: the entry stays, and reads back
    await writeDays(slot(P2), entry);
    expect(await stored(P2)).toBe(1);
    expect((await readDays(slot(P2), ["2026-01-01"])).get("2026-01-01")).toEqual(entry[0].value);

    // the PDL was deleted meanwhile: the entry is written, then removed by the same call
    expect((await call(`/api/pdl/${P1}`, { method: "DELETE", headers: bearer(account.clientSecret) })).status).toBe(200);
    await writeDays(slot(P1), entry);
    expect(await stored(P1)).toBe(0);

    // a PDL this account never had (or another account's): same
    const stranger = crypto.randomUUID();
    await writeDays(slot(P2, stranger), entry);
    expect(await stored(P2, stranger)).toBe(0);

    // the whole account deleted meanwhile
    expect((await call("/api/accounts/me", { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(account.clientSecret) }, body: JSON.stringify({ password: account.password }) })).status).toBe(200);
    await writeDays(slot(P2), entry);
    expect(await stored(P2)).toBe(0);
  });
});
