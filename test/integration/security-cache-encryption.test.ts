import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { accountPrefix, slotAad } from "../../src/cache/keys";
import { unwrapDataKey, type WrapPurpose } from "../../src/crypto/data-key";
import { fromBase64Url } from "../../src/crypto/encoding";
import { openJson, serverSealingKey } from "../../src/crypto/seal";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { Browser, bearer, call } from "../support/http";
import { consent } from "../support/consent";

/**
 * SECURITY.md property 1: the cache is unreadable without the user's key. What the operator holds at rest
 * (every KV key and value, every D1 row, APP_SECRET) is inspected directly.
 */
const PDL = "09100000000001";
const today = todayInParis(new Date());
const daysAgo = (n: number) => addDays(today, -n);
// Recent days (not settled): one entry per day. Settled days live in monthly packs, sealed the same way; the same
// properties for packs (moved, tampered) are tested in cache-packs.test.ts.
const START = daysAgo(7);
const END = daysAgo(2);
const DAILY = (id: string, start = START, end = END) => `/api/enedis/consumption/daily/${id}?start=${start}&end=${end}`;
const SEALED = /^g1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)$/;

type Reading = { value: string; date: string };
type MeterBody = { data: { meter_reading: { interval_reading: Reading[] } } };

async function kvDump() {
  const entries: Array<{ name: string; value: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await env.KV.list({ cursor });
    for (const k of page.keys) entries.push({ name: k.name, value: (await env.KV.get(k.name)) ?? "" });
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return entries;
}

const simulatorCalls = async () => ((await (await call("/simulator/_control/stats")).json()) as { total: number }).total;

/** A fresh account that consented for this simulated household and read 5 days of daily consumption. */
async function householdThatRead(name: string, pdl: string) {
  const browser = new Browser();
  const account = await browser.signup();
  await consent(browser, name);
  const me = (await (await call("/api/accounts/me", { headers: bearer(account.clientSecret) })).json()) as { data: { user_id: string } };
  const first = await call(DAILY(pdl), { headers: bearer(account.clientSecret) });
  expect(first.status).toBe(200);
  expect(first.headers.get("X-Cache-Status")).toBe("MISS");
  const body = (await first.json()) as MeterBody;
  expect(body.data.meter_reading.interval_reading).toHaveLength(5);
  return { browser, ...account, userId: me.data.user_id, body, readings: body.data.meter_reading.interval_reading };
}

describe("property 1: the cache is unreadable without the user's key", () => {
  let martin: Awaited<ReturnType<typeof householdThatRead>>;
  let cacheKeys: string[];
  beforeAll(async () => {
    martin = await householdThatRead("martin", PDL);
    const prefix = await accountPrefix(env, martin.userId);
    cacheKeys = (await kvDump()).filter((e) => e.name.startsWith(prefix)).map((e) => e.name);
  });

  it("KV key names reveal neither the PDL number nor the account", async () => {
    expect(cacheKeys).toHaveLength(5); // one entry per day read
    const all = await kvDump();
    expect(all.length).toBeGreaterThan(cacheKeys.length); // the token record is there too
    for (const { name } of all) {
      for (const secret of [PDL, martin.userId, martin.email, martin.clientId, martin.clientSecret]) expect(name).not.toContain(secret);
    }
    for (const name of cacheKeys) expect(name).toMatch(/^c:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{22}:consumption_daily:\d{4}-\d{2}-\d{2}$/);
  });

  it('values are "g1.<iv>.<ciphertext>" with distinct IVs, and hold no meter value nor PDL number in clear', async () => {
    const all = await kvDump();
    const ivs: string[] = [];
    for (const { name, value } of all) {
      const m = SEALED.exec(value);
      expect(m, name).not.toBeNull();
      ivs.push(m![1]);
      expect(value).not.toContain(PDL);
      expect(value).not.toMatch(/interval_reading|"value"|meter_reading/);
    }
    expect(new Set(ivs).size).toBe(all.length);
    // meter values of 5+ digits: long enough that a chance match inside base64url text is negligible
    const distinctive = martin.readings.map((r) => r.value).filter((v) => v.length >= 5);
    expect(distinctive.length).toBeGreaterThan(0);
    for (const { value } of all) for (const v of distinctive) expect(value).not.toContain(v);
  });

  it("an entry copied onto another day's slot is a miss, re-fetched from Enedis, never served as that day", async () => {
    const byDay = (day: string) => cacheKeys.find((k) => k.endsWith(`:${day}`))!;
    const [dayA, dayB] = [START, addDays(START, 1)];
    const sealedA = (await env.KV.get(byDay(dayA)))!;
    await env.KV.put(byDay(dayB), sealedA);
    const before = await simulatorCalls();
    const res = await call(DAILY(PDL, dayB, addDays(dayB, 1)), { headers: bearer(martin.clientSecret) });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Cache-Status")).toBe("MISS");
    expect(await simulatorCalls()).toBeGreaterThan(before);
    const readings = ((await res.json()) as MeterBody).data.meter_reading.interval_reading;
    expect(readings).toEqual([martin.readings.find((r) => r.date === dayB)]);
    // the moved copy was replaced by a fresh entry for its own slot
    expect(await env.KV.get(byDay(dayB))).not.toBe(sealedA);
    const again = await call(DAILY(PDL, dayB, addDays(dayB, 1)), { headers: bearer(martin.clientSecret) });
    expect(again.headers.get("X-Cache-Status")).toBe("HIT");
  });

  it("an entry copied into another account's slot is a miss for that account too", async () => {
    const durand = await householdThatRead("durand", "09200000000001");
    const durandPrefix = await accountPrefix(env, durand.userId);
    const durandKey = (await kvDump()).find((e) => e.name.startsWith(durandPrefix) && e.name.endsWith(`:${START}`))!.name;
    await env.KV.put(durandKey, (await env.KV.get(cacheKeys.find((k) => k.endsWith(`:${START}`))!))!);
    const res = await call(DAILY("09200000000001", START, addDays(START, 1)), { headers: bearer(durand.clientSecret) });
    expect(res.headers.get("X-Cache-Status")).toBe("MISS");
    expect(((await res.json()) as MeterBody).data.meter_reading.interval_reading).toEqual([durand.readings[0]]);
  });

  it("nothing at rest (D1 rows, wrapped keys, password hash, APP_SECRET) unwraps the data key; the client_secret does", async () => {
    const user = (await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(martin.userId).first<Record<string, string>>())!;
    const tokens = (await env.DB.prepare("SELECT * FROM auth_tokens WHERE user_id = ?").bind(martin.userId).all<Record<string, string>>()).results;
    expect(tokens.length).toBeGreaterThan(0); // the browser session's own copy
    const appSecret = env.APP_SECRET!;
    const storedVerifier = fromBase64Url(user.password_hash.split("$")[3]);
    const atRest: Array<string | Uint8Array> = [
      appSecret,
      user.password_hash,
      storedVerifier,
      user.client_secret_hash,
      fromBase64Url(user.client_secret_hash),
      user.client_id,
      user.email,
      user.id,
      ...tokens.map((t) => t.token_hash),
    ];
    const wrappedCopies = [user.data_key_by_secret, user.data_key_by_password, ...tokens.map((t) => t.data_key_wrapped)];
    const purposes: WrapPurpose[] = ["client_secret", "password", "session", "access_token"];
    for (const wrapped of wrappedCopies) {
      for (const secret of atRest) {
        for (const purpose of purposes) {
          await expect(unwrapDataKey(wrapped, secret, purpose), `${purpose}`).rejects.toThrow();
        }
      }
    }

    const day = START;
    const sealed = (await env.KV.get(cacheKeys.find((k) => k.endsWith(`:${day}`))!))!;
    const aad = slotAad(martin.userId, PDL, "consumption_daily", day);
    // APP_SECRET-derived keys (the token records' kind) do not open cache entries either
    for (const purpose of ["enedis-token-record", "cache", "data-key"]) {
      await expect(openJson(await serverSealingKey(appSecret, purpose), sealed, aad), purpose).rejects.toThrow();
    }
    // control: the credential the user holds unwraps the key, which opens the entry to the value served
    const dataKey = await unwrapDataKey(user.data_key_by_secret, martin.clientSecret, "client_secret");
    const opened = await openJson<{ readings: Reading[] }>(dataKey, sealed, aad);
    expect(opened.readings).toEqual([martin.readings.find((r) => r.date === day)]);
  });

  it("every credential of the account reads the same cache: session, access tokens, a regenerated secret, a new password", async () => {
    const expected = martin.body;
    const expectHit = async (res: Response, via: string) => {
      expect(res.status, via).toBe(200);
      expect(res.headers.get("X-Cache-Status"), via).toBe("HIT");
      expect(await res.json(), via).toEqual(expected);
    };
    const range = DAILY(PDL);
    // the dashboard session (cookie) — its own wrapped copy
    await expectHit(await martin.browser.fetch(range), "session");
    // OAuth client credentials access token
    const tokenRes = await call("/api/accounts/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: martin.clientId, client_secret: martin.clientSecret }).toString(),
    });
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    await expectHit(await call(range, { headers: bearer(access_token) }), "access token");
    // a new client_secret: the data key is re-wrapped, the cache stays readable, the old secret is gone
    const regen = await call("/api/accounts/regenerate-secret", { method: "POST", headers: bearer(martin.clientSecret) });
    const newSecret = ((await regen.json()) as { data: { client_secret: string } }).data.client_secret;
    await expectHit(await call(range, { headers: bearer(newSecret) }), "regenerated secret");
    expect((await call(range, { headers: bearer(martin.clientSecret) })).status).toBe(401);
    const user = (await env.DB.prepare("SELECT data_key_by_secret FROM users WHERE id = ?").bind(martin.userId).first<{ data_key_by_secret: string }>())!;
    await expect(unwrapDataKey(user.data_key_by_secret, martin.clientSecret, "client_secret")).rejects.toThrow();
    // a new password: login with it yields a token that still reads the cache
    const change = await call("/api/accounts/update-password", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...bearer(newSecret) },
      body: JSON.stringify({ old_password: martin.password, new_password: "a brand new password" }),
    });
    expect(change.status).toBe(200);
    const login = await call("/api/accounts/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: martin.email, password: "a brand new password" }),
    });
    const loginToken = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    await expectHit(await call(range, { headers: bearer(loginToken) }), "password login token");
  });
});
