import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { accountPrefix } from "../../src/cache/keys";
import { keyedHash } from "../../src/crypto/keyed-hash";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { purgeOrphanCache } from "../../src/maintenance/purge-orphans";
import { Browser, bearer, call, makeAdmin } from "../support/http";
import { consent, userIdOf } from "../support/consent";

/**
 * After a D1 Time Travel restore, accounts created after the restore point are gone from D1 but their cache entries
 * stay in KV, unreadable (docs/operations.md section 5). The operator deletes them with
 * POST /api/admin/cache/purge-orphans; entries of existing accounts stay, under either server key.
 */
const today = todayInParis(new Date());
let adminSecret: string;

async function householdWithCache(name: string, pdl: string) {
  await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id = ?").bind(pdl).run();
  const b = new Browser();
  const account = await b.signup();
  await consent(b, name);
  const res = await call(`/api/enedis/consumption/daily/${pdl}?start=${addDays(today, -20)}&end=${addDays(today, -10)}`, { headers: bearer(account.clientSecret) });
  expect(res.status).toBe(200);
  const userId = await userIdOf(account.clientSecret);
  const prefix = await accountPrefix(env, userId);
  const keys = (await env.KV.list({ prefix })).keys.length;
  expect(keys).toBeGreaterThan(0);
  return { userId, prefix, keys, secret: account.clientSecret };
}
const keysUnder = async (prefix: string) => (await env.KV.list({ prefix })).keys.length;

beforeAll(async () => {
  const admin = new Browser();
  const account = await admin.signup();
  adminSecret = account.clientSecret;
  await makeAdmin(account.email);
});

describe("purge of orphan cache entries", () => {
  it("deletes the entries of accounts D1 no longer has, keeps everybody else's", async () => {
    const kept = await householdWithCache("martin", "09100000000001");
    const restoredAway = await householdWithCache("durand", "09200000000001");
    // the restore: this account's rows are gone (as if created after the restore point), its cache is not
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(restoredAway.userId).run();

    expect((await call("/api/admin/cache/purge-orphans", { method: "POST", headers: bearer(kept.secret) })).status).toBe(403);
    const res = await call("/api/admin/cache/purge-orphans", { method: "POST", headers: bearer(adminSecret) });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { scanned: number; deleted: number; cursor: string | null } };
    expect(data).toEqual({ scanned: kept.keys + restoredAway.keys, deleted: restoredAway.keys, cursor: null });
    expect(await keysUnder(restoredAway.prefix)).toBe(0);
    expect(await keysUnder(kept.prefix)).toBe(kept.keys);
  });

  it("during an APP_SECRET rotation, keeps entries still under the previous key's tag of an existing account", async () => {
    const previous = "previous-app-secret-0123456789abcdef0123456789";
    const { results } = await env.DB.prepare("SELECT id FROM users LIMIT 1").all<{ id: string }>();
    const oldTag = (await keyedHash(previous, "kv-account", results[0].id)).slice(0, 22);
    await env.KV.put(`c:${oldTag}:somepdltag:consumption_daily:2026-01-01`, "g1.x.y");
    await env.KV.put("c:orphanorphanorphanorph:p:consumption_daily:2026-01-01", "g1.x.y");
    const result = await purgeOrphanCache({ ...env, APP_SECRET_PREVIOUS: previous });
    expect(result.deleted).toBe(1);
    expect(await env.KV.get(`c:${oldTag}:somepdltag:consumption_daily:2026-01-01`)).toBe("g1.x.y");
    expect(await env.KV.get("c:orphanorphanorphanorph:p:consumption_daily:2026-01-01")).toBeNull();
  });
});
