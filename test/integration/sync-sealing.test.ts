import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { accountPrefix, slotAad } from "../../src/cache/keys";
import { fromBase64Url } from "../../src/crypto/encoding";
import { openJson, serverSealingKey } from "../../src/crypto/seal";
import { importPrivateKey, openWithPrivateKey } from "../../src/crypto/sealed-box";
import { json } from "../support/http";
import { alarmOf, at, household, restoreClock, runAlarm, setNow, today, usage, yesterday } from "./sync-support";

/**
 * SECURITY.md property 1 for what background sync writes: sealed to the account's public key, readable with any of
 * the account's credentials (before and after rotating them), never with what the server stores; gone with the account.
 */
const MARTIN = "09100000000001";
const DURAND = "09200000000001";
const APP_SECRET = "test-app-secret-0123456789abcdef0123456789abcdef"; // vitest.config.ts

afterEach(restoreClock);

async function kvUnder(prefix: string) {
  const out: Array<{ name: string; value: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await env.KV.list({ prefix, cursor });
    for (const k of page.keys) out.push({ name: k.name, value: (await env.KV.get(k.name)) ?? "" });
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return out;
}

const yesterdayPath = (pdl: string) => `/api/enedis/consumption/daily/${pdl}?start=${yesterday()}&end=${today()}`;

describe("background sync entries: sealed to the account's public key", () => {
  it("cannot be opened with everything the server stores (D1, KV, APP_SECRET)", async () => {
    setNow(at("2027-03-10T10:00:00Z"));
    const h = await household("martin");
    await runAlarm(MARTIN);
    const user = await env.DB.prepare("SELECT * FROM users WHERE email = ?").bind(h.email).first<Record<string, string>>();
    expect(user!.public_key).toMatch(/^[A-Za-z0-9_-]{87}$/); // raw P-256 point, 65 bytes
    const entries = await kvUnder(await accountPrefix(env, user!.id));
    expect(entries.length).toBeGreaterThanOrEqual(7 * 3);
    for (const e of entries) expect(e.value).toMatch(/^p1\.[A-Za-z0-9_-]{87}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);

    // The reading Martin's client sees, which the operator must not find anywhere at rest.
    const served = (await (await h.browser.api(yesterdayPath(MARTIN), h.clientSecret)).json()) as { data: { meter_reading: { interval_reading: Array<{ value: string }> } } };
    const value = served.data.meter_reading.interval_reading[0].value;
    const entry = entries.find((e) => e.name.endsWith(`:consumption_daily:${yesterday()}`))!;
    const aad = slotAad(user!.id, MARTIN, "consumption_daily", yesterday());
    expect(entry.value).not.toContain(value);

    // Every key the server could make from what it stores fails: APP_SECRET-derived keys, any D1 column taken as a
    // private key (the sealed private key is not one), the public key itself.
    const attempts: Array<() => Promise<unknown>> = [];
    const [, , iv, ct] = entry.value.split(".");
    const gcmOpen = (key: CryptoKey) => crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64Url(iv), additionalData: new TextEncoder().encode(aad) }, key, fromBase64Url(ct));
    for (const purpose of ["cache", "enedis-token", "kv", "sync", ""]) attempts.push(async () => gcmOpen(await serverSealingKey(APP_SECRET, purpose)));
    const asPrivateKey = (text: string) => async () => openWithPrivateKey({ privateKey: await importPrivateKey(text), publicRaw: user!.public_key }, entry.value, aad);
    for (const column of Object.values(user!)) {
      if (typeof column !== "string") continue;
      attempts.push(asPrivateKey(column));
      for (const part of column.split(/[.$]/)) attempts.push(asPrivateKey(part));
    }
    attempts.push(async () => openJson(await serverSealingKey(APP_SECRET, "cache"), entry.value, aad));
    const results = await Promise.allSettled(attempts.map((attempt) => attempt()));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(user!.private_key_sealed).toMatch(/^g1\./); // sealed under the data key, which only credentials unwrap
  });

  it("stays readable after a new secret and a new password; an old account gets its key pair at its next request", async () => {
    setNow(at("2027-03-11T10:00:00Z"));
    const h = await household("durand");
    await runAlarm(DURAND);
    expect((await h.browser.api(yesterdayPath(DURAND), h.clientSecret)).headers.get("X-Cache-Status")).toBe("HIT");

    const regenerated = await h.browser.api("/api/accounts/regenerate-secret", h.clientSecret, { method: "POST" });
    const newSecret = ((await regenerated.json()) as { data: { client_secret: string } }).data.client_secret;
    expect((await h.browser.api(yesterdayPath(DURAND), newSecret)).headers.get("X-Cache-Status")).toBe("HIT");

    const changed = await h.browser.api("/api/accounts/update-password", newSecret, json({ old_password: h.password, new_password: "a brand new passphrase 42" }));
    expect(changed.status).toBe(200);
    const login = await h.browser.fetch("/api/accounts/login", json({ email: h.email, password: "a brand new passphrase 42" }));
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    const read = await h.browser.api(yesterdayPath(DURAND), token);
    expect(read.status).toBe(200);
    expect(read.headers.get("X-Cache-Status")).toBe("HIT");
    expect((await usage(h.browser, token)).no_cache_requests).toBeGreaterThanOrEqual(0);

    // An account made before key pairs: none in D1 until it next authenticates, then one.
    await env.DB.prepare("UPDATE users SET public_key = NULL, private_key_sealed = NULL WHERE email = ?").bind(h.email).run();
    await h.browser.api("/api/accounts/me", token);
    const row = await env.DB.prepare("SELECT public_key, private_key_sealed FROM users WHERE email = ?").bind(h.email).first<Record<string, string>>();
    expect(row!.public_key).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(row!.private_key_sealed).toMatch(/^g1\./);
  });

  it("is gone with the account, and a later alarm writes nothing back", async () => {
    setNow(at("2027-03-12T10:00:00Z"));
    const h = await household("petit");
    const PETIT = "09300000000001";
    await runAlarm(PETIT);
    const userId = ((await (await h.browser.api("/api/accounts/me", h.clientSecret)).json()) as { data: { user_id: string } }).data.user_id;
    const prefix = await accountPrefix(env, userId);
    expect((await kvUnder(prefix)).length).toBeGreaterThan(0);

    const deleted = await h.browser.api("/api/accounts/me", h.clientSecret, { ...json({ password: h.password }), method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await kvUnder(prefix)).toEqual([]);
    // the PDL's scheduler still has its alarm: when it fires, the PDL is gone, so it stops and writes nothing
    if ((await alarmOf(PETIT)) !== null) await runAlarm(PETIT);
    expect(await alarmOf(PETIT)).toBeNull();
    expect(await kvUnder(prefix)).toEqual([]);
  });
});
