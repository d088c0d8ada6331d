import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accountPrefix, pdlPrefix } from "../../src/cache/keys";
import { APP_TOKEN_KV_KEY } from "../../src/enedis/app-token-record";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { Browser, bearer, call, json } from "../support/http";
import { consent } from "../support/consent";

/** SECURITY.md property 7: deleting a PDL or an account leaves nothing of it in D1, KV or its Durable Object. */
const [P1, P2] = ["09200000000001", "09200000000002"];
const today = todayInParis(new Date());
const daysAgo = (n: number) => addDays(today, -n);

async function kvKeys(prefix?: string) {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.KV.list({ prefix, cursor });
    names.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return names;
}

async function d1Dump() {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  const dump: Record<string, unknown[]> = {};
  for (const { name } of tables.results) dump[name] = (await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results;
  return dump;
}

const rowsOf = async (table: string, column: string, value: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM "${table}" WHERE "${column}" = ?`).bind(value).first<{ n: number }>())!.n;

describe("property 7: deletion is total", () => {
  it("deleting a PDL removes its row, its consent record and every cache entry — and only those; deleting the account removes everything else", async () => {
    const keysBefore = new Set(await kvKeys());
    const b = new Browser();
    const account = await b.signup();
    await consent(b, "durand");
    const get = (path: string) => call(path, { headers: bearer(account.clientSecret) });
    const me = (await (await get("/api/accounts/me")).json()) as { data: { user_id: string; client_id: string } };
    const userId = me.data.user_id;

    // each PDL: daily consumption, a load curve day, the contract — three kinds of cache entries
    for (const pdl of [P1, P2]) {
      for (const path of [`/api/enedis/consumption/daily/${pdl}?start=${daysAgo(8)}&end=${daysAgo(5)}`, `/api/enedis/consumption/detail/${pdl}?start=${daysAgo(9)}&end=${daysAgo(8)}`, `/api/enedis/contract/${pdl}`]) {
        expect((await get(path)).status, path).toBe(200);
      }
    }
    const p1Prefix = await pdlPrefix(env, userId, P1);
    const p2Prefix = await pdlPrefix(env, userId, P2);
    const p1Cache = await kvKeys(p1Prefix);
    const p2Cache = await kvKeys(p2Prefix);
    for (const kind of ["consumption_daily", "consumption_load_curve", "contract"]) {
      expect(p1Cache.some((k) => k.includes(`:${kind}:`)), kind).toBe(true);
    }
    expect(p1Cache.length).toBe(5); // 3 days + 1 load-curve day + contract
    expect(p2Cache.length).toBe(5);
    // no Enedis token per PDL: the one application token names no PDL and outlives any account
    expect((await kvKeys()).filter((k) => k.startsWith("tok:"))).toEqual([]);
    const allBefore = await kvKeys();

    // --- one PDL
    const del = await call(`/api/pdl/${P1}`, { method: "DELETE", headers: bearer(account.clientSecret) });
    expect(del.status).toBe(200);
    expect(await kvKeys(p1Prefix)).toEqual([]);
    expect(await rowsOf("usage_points", "usage_point_id", P1)).toBe(0);
    expect(((await (await get(`/api/pdl/${P1}`)).json()) as { error: { code: string } }).error.code).toBe("PDL_NOT_FOUND");
    // the other PDL is untouched: exactly P1's cache entries went
    expect((await kvKeys(p2Prefix)).sort()).toEqual(p2Cache.sort());
    expect((await kvKeys()).length).toBe(allBefore.length - p1Cache.length);
    expect((await get(`/api/enedis/contract/${P2}`)).headers.get("X-Cache-Status")).toBe("HIT");

    // --- the whole account, with something in every place: a pending consent state, sessions, access tokens, quota counters
    expect((await b.fetch("/consent", { method: "POST" })).status).toBe(302);
    const accessToken = ((await (await call("/api/accounts/login", json({ email: account.email, password: account.password }))).json()) as { data: { access_token: string } }).data.access_token;
    for (const [table, column] of [["users", "id"], ["auth_tokens", "user_id"], ["usage_points", "user_id"], ["consent_states", "user_id"]]) {
      expect(await rowsOf(table, column, userId), table).toBeGreaterThan(0);
    }
    const gate = env.ACCOUNT_GATE.get(env.ACCOUNT_GATE.idFromName(userId));
    const usage = await gate.usage(Date.now());
    expect(usage.noCache + usage.cached).toBeGreaterThan(0);
    const cookie = `lg_session=${b.cookies.get("lg_session")}`;

    const gone = await call("/api/accounts/me", { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(account.clientSecret) }, body: JSON.stringify({ password: account.password }) });
    expect(gone.status).toBe(200);

    const dump = JSON.stringify(await d1Dump());
    for (const trace of [userId, account.email, me.data.client_id]) expect(dump.includes(trace), trace).toBe(false);
    for (const [table, column] of [["users", "id"], ["auth_tokens", "user_id"], ["usage_points", "user_id"], ["consent_states", "user_id"]]) {
      expect(await rowsOf(table, column, userId), table).toBe(0);
    }
    expect(await kvKeys(await accountPrefix(env, userId))).toEqual([]);
    // what stays is the gateway's own Enedis application token, which belongs to no account
    expect(new Set((await kvKeys()).filter((k) => k !== APP_TOKEN_KV_KEY))).toEqual(keysBefore);
    const after = await gate.usage(Date.now());
    expect(after.noCache + after.cached).toBe(0);

    // no credential of the account works any more
    expect((await get("/api/accounts/me")).status).toBe(401);
    expect((await call("/api/accounts/me", { headers: bearer(accessToken) })).status).toBe(401);
    expect((await call("/api/accounts/me", { headers: { Cookie: cookie } })).status).toBe(401);
    const dashboard = await b.fetch("/dashboard");
    expect(dashboard.status).toBe(303);
    expect(dashboard.headers.get("Location")).toBe("/login");
    expect((await call("/api/accounts/login", json({ email: account.email, password: account.password }))).status).toBe(401);
  });
});
