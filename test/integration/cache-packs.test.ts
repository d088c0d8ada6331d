import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { accountPublicKey } from "../../src/accounts/key-pair";
import { packAad, pdlPrefix, pdlPrefixUnder, slotAad } from "../../src/cache/keys";
import { packPeriodOf } from "../../src/cache/packs";
import { unwrapDataKey } from "../../src/crypto/data-key";
import { openJson, sealJson } from "../../src/crypto/seal";
import { sealToPublicKey } from "../../src/crypto/sealed-box";
import { addDays, eachDay, todayInParis } from "../../src/enedis/dates";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import { Browser, ORIGIN, bearer, call } from "../support/http";
import { consent, userIdOf } from "../support/consent";
import { enedisDataCalls } from "../support/simulator";

/**
 * Settled history packed (cache/packs.ts), through the worker: a range over packs and per-day entries reads the same
 * as from Enedis; per-day entries (the mirror's before packing existed, background sync's "p1.") are packed on read;
 * a tampered or moved pack is a miss; deletion purges packs; entries under APP_SECRET_PREVIOUS's names are read and moved.
 */
const PDL = "09200000000001";
const today = todayInParis(new Date());
const daysAgo = (n: number) => addDays(today, -n);
const KIND = "consumption_daily";
/** A worker whose APP_SECRET is being rotated: OLD named the cache before (the credentials' hashes are not this file's business). */
const OLD = "an-old-app-secret-that-wrote-this-cache-0123456789";
const rotating = { ...(env as unknown as Env), APP_SECRET_PREVIOUS: OLD } as Env;
async function sendRotating(path: string, init: RequestInit) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(new URL(path, ORIGIN), init), rotating, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const DAILY = (start: string, end: string) => `/api/enedis/consumption/daily/${PDL}?start=${start}&end=${end}`;
type Body = { data: { meter_reading: { interval_reading: Array<{ date: string; value: string }> } } };

async function names(prefix: string) {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.KV.list({ prefix, cursor });
    out.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return out;
}

async function household() {
  await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id IN (?, ?)").bind(PDL, "09200000000002").run();
  const b = new Browser();
  const account = await b.signup();
  await consent(b, "durand");
  const userId = await userIdOf(account.clientSecret);
  const user = (await env.DB.prepare("SELECT data_key_by_secret AS w FROM users WHERE id = ?").bind(userId).first<{ w: string }>())!;
  const dataKey = await unwrapDataKey(user.w, account.clientSecret, "client_secret");
  return { ...account, userId, dataKey, get: (path: string) => call(path, { headers: bearer(account.clientSecret) }) };
}

describe("cache packs through the worker", () => {
  let h: Awaited<ReturnType<typeof household>>;
  let prefix: string;
  // 75 days back to 3 days back: two or three settled months packed, the recent days one entry each
  const [start, end] = [daysAgo(75), daysAgo(3)];
  let fromEnedis: Body;
  beforeAll(async () => {
    h = await household();
    prefix = await pdlPrefix(env, h.userId, PDL);
    const first = await h.get(DAILY(start, end));
    expect(first.headers.get("X-Cache-Status")).toBe("MISS");
    fromEnedis = (await first.json()) as Body;
    expect(fromEnedis.data.meter_reading.interval_reading).toHaveLength(72);
  });

  it("a range over packs and per-day entries reads back exactly what Enedis answered, without Enedis", async () => {
    const stored = await names(`${prefix}${KIND}:`);
    const packs = stored.filter((n) => /:m:\d{4}-\d{2}$/.test(n));
    const perDay = stored.filter((n) => /:\d{4}-\d{2}-\d{2}$/.test(n));
    expect(packs.length).toBeGreaterThanOrEqual(2);
    expect(perDay.length).toBeGreaterThan(0);
    for (const n of perDay) expect(packPeriodOf(KIND, n.slice(-10))).toBe(`m:${n.slice(-10, -3)}`); // recent, unpacked days
    expect(packs.length + perDay.length).toBeLessThan(72 - 25); // each settled month is one entry
    const before = await enedisDataCalls();
    const hit = await h.get(DAILY(start, end));
    expect(hit.headers.get("X-Cache-Status")).toBe("HIT");
    expect(await hit.json()).toEqual(fromEnedis);
    expect(await enedisDataCalls()).toBe(before);
  });

  it("per-day entries of a settled month (the mirror's, and sync's sealed to the public key) are packed on read", async () => {
    const period = `m:${daysAgo(60).slice(0, 7)}`;
    const packName = `${prefix}${KIND}:${period}`;
    const content = await openJson<Record<string, { e: number; v: unknown }>>(h.dataKey, (await env.KV.get(packName))!, packAad(h.userId, PDL, KIND, period));
    const days = Object.keys(content).sort();
    expect(days.length).toBeGreaterThan(2);
    // back to one entry per day, as before packing existed; the first day as background sync writes it
    await env.KV.delete(packName);
    const publicKey = (await accountPublicKey(env, h.userId))!;
    for (const [i, day] of days.entries()) {
      const aad = slotAad(h.userId, PDL, KIND, day);
      const sealed = i === 0 ? await sealToPublicKey(publicKey, content[day].v, aad) : await sealJson(h.dataKey, content[day].v, aad);
      await env.KV.put(`${prefix}${KIND}:${day}`, sealed, { expirationTtl: 3600 });
    }
    const before = await enedisDataCalls();
    const hit = await h.get(DAILY(start, end));
    expect(hit.headers.get("X-Cache-Status")).toBe("HIT");
    expect(await hit.json()).toEqual(fromEnedis);
    expect(await enedisDataCalls()).toBe(before);
    // packed again, the per-day entries gone
    expect(await env.KV.get(packName)).not.toBeNull();
    for (const day of days) expect(await env.KV.get(`${prefix}${KIND}:${day}`), day).toBeNull();
    const again = await h.get(DAILY(start, end));
    expect(await again.json()).toEqual(fromEnedis);
  });

  it("a pack moved onto another period, or tampered with, is a miss: fetched again, never served", async () => {
    // D-72 and D-40: always two different months, both settled
    const [a, b] = [`m:${daysAgo(72).slice(0, 7)}`, `m:${daysAgo(40).slice(0, 7)}`];
    expect(a).not.toBe(b);
    const sealedA = (await env.KV.get(`${prefix}${KIND}:${a}`))!;
    await env.KV.put(`${prefix}${KIND}:${b}`, sealedA);
    const inB = [daysAgo(40), daysAgo(39)];
    const before = await enedisDataCalls();
    const moved = await h.get(DAILY(inB[0], inB[1]));
    expect(moved.headers.get("X-Cache-Status")).toBe("MISS");
    expect(await enedisDataCalls()).toBeGreaterThan(before);
    expect(((await moved.json()) as Body).data.meter_reading.interval_reading).toEqual(fromEnedis.data.meter_reading.interval_reading.filter((r) => r.date === inB[0]));

    const name = `${prefix}${KIND}:${a}`;
    const sealed = (await env.KV.get(name))!;
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === "A" ? "B" : "A") + sealed.at(-1);
    await env.KV.put(name, flipped);
    const tampered = await h.get(DAILY(daysAgo(72), daysAgo(71)));
    expect(tampered.headers.get("X-Cache-Status")).toBe("MISS");
    expect(((await tampered.json()) as Body).data.meter_reading.interval_reading).toEqual(fromEnedis.data.meter_reading.interval_reading.filter((r) => r.date === daysAgo(72)));
    // what the bad packs held is fetched again once, then served from the cache as before
    expect((await h.get(DAILY(start, end))).headers.get("X-Cache-Status")).toBe("PARTIAL");
    const refilled = await h.get(DAILY(start, end));
    expect(refilled.headers.get("X-Cache-Status")).toBe("HIT");
    expect(await refilled.json()).toEqual(fromEnedis);
  });

  it("during an APP_SECRET rotation, entries under the previous secret's names are read, then moved to the current ones", async () => {
    const oldPrefix = await pdlPrefixUnder(OLD, h.userId, PDL);
    // the cache as the previous secret named it: every entry of this PDL renamed (values unchanged: the AAD names no tag)
    for (const n of await names(prefix)) {
      await env.KV.put(oldPrefix + n.slice(prefix.length), (await env.KV.get(n))!, { expirationTtl: 3600 });
      await env.KV.delete(n);
    }
    const before = await enedisDataCalls();
    const hit = await sendRotating(DAILY(start, end), { headers: bearer(h.clientSecret) });
    expect(hit.headers.get("X-Cache-Status")).toBe("HIT");
    expect(await hit.json()).toEqual(fromEnedis);
    expect(await enedisDataCalls()).toBe(before);
    expect(await names(oldPrefix)).toEqual([]); // what was read moved
    expect((await names(`${prefix}${KIND}:`)).length).toBeGreaterThan(0);
    const again = await sendRotating(DAILY(start, end), { headers: bearer(h.clientSecret) });
    expect(await again.json()).toEqual(fromEnedis);
  });

  it("deleting the PDL purges its packs with its other entries (and the previous secret's prefix mid-rotation)", async () => {
    const oldPrefix = await pdlPrefixUnder(OLD, h.userId, PDL);
    expect((await names(prefix)).some((n) => /:m:\d{4}-\d{2}$/.test(n))).toBe(true);
    await env.KV.put(`${oldPrefix}contract:current`, "g1.not.read-since-the-rotation-began", { expirationTtl: 3600 });
    const res = await sendRotating(`/api/pdl/${PDL}`, { method: "DELETE", headers: bearer(h.clientSecret) });
    expect(res.status).toBe(200);
    expect(await names(prefix)).toEqual([]);
    expect(await names(oldPrefix)).toEqual([]);
  });
});

describe("one D1 query for the caller and the PDL", () => {
  it("another account's PDL and an unknown one are the same 404 through the joined lookup", async () => {
    const owner = await household();
    const other = new Browser();
    const stranger = await other.signup();
    for (const pdl of [PDL, "09999999999999"]) {
      const res = await call(`/api/enedis/consumption/daily/${pdl}?start=${daysAgo(20)}&end=${daysAgo(19)}`, { headers: bearer(stranger.clientSecret) });
      expect(res.status, pdl).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("PDL_NOT_FOUND");
    }
    expect((await owner.get(`/api/enedis/consumption/daily/${PDL}?start=${daysAgo(20)}&end=${daysAgo(19)}`)).status).toBe(200);
  });
});
