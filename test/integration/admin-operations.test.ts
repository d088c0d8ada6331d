import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { reportEnedisThrottle } from "../../src/limits/budget-client";
import type { OpsStats } from "../../src/admin/ops-stats";
import { Browser, bearer, call, makeAdmin } from "../support/http";
import { consent } from "../support/consent";
import { simulatorControl } from "../support/simulator";

/**
 * The admin page's operations cards (README "Seeing it run"): Enedis calls per API against the hourly budget,
 * budget refusals, errors by code over 24 h — from hourly counters that hold codes and counts, nothing personal.
 */
const MARTIN_PDL = "09100000000001";
const today = todayInParis(new Date());
const range = `start=${addDays(today, -12)}&end=${addDays(today, -10)}`;

let admin: Browser;
let adminSecret: string;
let household: { secret: string; email: string; clientId: string; userId: string };

const operations = async () => {
  const res = await call("/api/admin/stats", { headers: bearer(adminSecret) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { operations: OpsStats } }).data.operations;
};
const daily = () => call(`/api/enedis/consumption/daily/${MARTIN_PDL}?${range}&use_cache=false`, { headers: bearer(household.secret) });

beforeAll(async () => {
  admin = new Browser();
  const adminAccount = await admin.signup();
  adminSecret = adminAccount.clientSecret;
  await makeAdmin(adminAccount.email);
  await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id = ?").bind(MARTIN_PDL).run();
  const b = new Browser();
  const account = await b.signup();
  await consent(b, "martin");
  const me = (await (await call("/api/accounts/me", { headers: bearer(account.clientSecret) })).json()) as { data: { user_id: string; client_id: string } };
  household = { secret: account.clientSecret, email: account.email, clientId: me.data.client_id, userId: me.data.user_id };
});

describe("admin operations counters", () => {
  it("count Enedis calls per API, today and this hour, against the hourly limit", async () => {
    expect((await daily()).status).toBe(200);
    const ops = await operations();
    expect(ops.enedis.hourly_limit).toBe(1000);
    const metering = ops.enedis.apis.filter((a) => a.api !== "oauth2");
    expect(metering.length).toBeGreaterThan(0);
    for (const a of metering) {
      expect(a.this_hour).toBeGreaterThan(0);
      expect(a.peak_hour).toBeGreaterThanOrEqual(a.this_hour);
      expect(a.today).toBeGreaterThanOrEqual(a.this_hour);
    }
  });

  it("count a provoked Enedis error by gateway code and Enedis code, and the error answer by its code", async () => {
    expect((await simulatorControl("revoke", { usage_point_id: MARTIN_PDL })).status).toBe(200);
    const res = await daily();
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "CONSENT_REQUIRED" } });
    const ops = await operations();
    expect(ops.errors_24h.enedis).toContainEqual({ code: "CONSENT_REQUIRED", enedis_code: "ADAM-DC-0008", count: 1 });
    expect(ops.errors_24h.gateway).toContainEqual({ code: "CONSENT_REQUIRED", count: 1 });
  });

  it("count a budget refusal (Enedis asked the gateway to wait) and show every card on the admin page", async () => {
    // the whole gateway waits a minute: the next interactive permit is refused at once, ENEDIS_BUSY
    await reportEnedisThrottle(env, null, Date.now() + 60_000);
    const res = await daily();
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { code: "ENEDIS_BUSY" } });
    const ops = await operations();
    expect(ops.refusals_24h).toContainEqual({ priority: "interactive", reason: "enedis_throttled", count: 1 });
    expect(ops.errors_24h.gateway).toContainEqual({ code: "ENEDIS_BUSY", count: 1 });

    const html = await (await admin.fetch("/admin")).text();
    expect(html).toContain("Appels à Enedis par API");
    expect(html).toMatch(/<code>enedis_throttled<\/code> : 1/);
    expect(html).toMatch(/<code>CONSENT_REQUIRED<\/code> \(Enedis <code>ADAM-DC-0008<\/code>\) : 1/);
    expect(html).toContain("/ 1000");
  });

  it("hold no personal data: only codes, API names and counts", async () => {
    const { results } = await env.DB.prepare("SELECT hour_ms, name, detail, count FROM ops_counters").all<{ hour_ms: number; name: string; detail: string; count: number }>();
    expect(results.length).toBeGreaterThan(0);
    const text = JSON.stringify(results);
    for (const personal of [MARTIN_PDL, household.email, household.clientId, household.userId, household.secret]) expect(text).not.toContain(personal);
    for (const row of results) {
      expect(row.detail).toMatch(/^[A-Za-z0-9_.:/-]*$/);
      expect(row.detail).not.toMatch(/\d{14}/);
      expect(row.hour_ms % 3_600_000).toBe(0);
    }
  });

  it("are purged after 48 h by the daily job", async () => {
    const { runDailyMaintenance } = await import("../../src/maintenance/daily");
    const counts = await runDailyMaintenance(env, Date.now() + 49 * 3_600_000);
    expect(counts.opsCounters).toBeGreaterThan(0);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM ops_counters").first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});
